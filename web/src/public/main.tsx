import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import '../shared/styles/global.css';
import catalogEn from '../shared/catalog/en.json';
import catalogEs from '../shared/catalog/es.json';
import sharedEn from '../shared/i18n/en.json';
import sharedEs from '../shared/i18n/es.json';
import { startI18n } from '../shared/i18n/i18n.ts';
import { queryClient } from '../shared/api/query-client.ts';
import { prefetchBookingPage } from '../shared/api/use-booking-page.ts';
import { AppProviders } from '../shared/ui/app-providers.tsx';
import { BookingPage } from './booking/booking-page.tsx';
import bookingEn from './booking/i18n/en.json';
import bookingEs from './booking/i18n/es.json';
import publicEn from './i18n/en.json';
import publicEs from './i18n/es.json';
import linksEn from './links/en.json';
import linksEs from './links/es.json';
import { LandingPage } from './landing/landing-page.tsx';
import { Skeleton } from '../shared/ui/page-state.tsx';

/**
 * The public entry (booking.html): every page a customer reaches without signing in.
 * The server sends this page for /, /book/*, /manage/*, /waitlist/*, /unsubscribe and /payments/return.
 * Declarative routes (no data router): server state is TanStack Query's, and the data
 * router's loaders and actions would cost 17 kB gzip more on every phone.
 */
// Pages a guest booking never needs load on demand, so the booking page's first load stays small.
const ManagePage = lazy(() => import('./links/manage-page.tsx').then((module) => ({ default: module.ManagePage })));
const WaitlistClaimPage = lazy(() => import('./links/waitlist-claim-page.tsx').then((module) => ({ default: module.WaitlistClaimPage })));
const UnsubscribePage = lazy(() => import('./links/unsubscribe-page.tsx').then((module) => ({ default: module.UnsubscribePage })));
const PaymentReturnPage = lazy(() => import('./links/payment-return-page.tsx').then((module) => ({ default: module.PaymentReturnPage })));
const AccountPage = lazy(() => import('./account/account-page.tsx').then((module) => ({ default: module.AccountPage })));
const NotFoundPage = lazy(() => import('./not-found/not-found-page.tsx').then((module) => ({ default: module.NotFoundPage })));

prefetchBookingPage(queryClient, window.location.pathname);

await startI18n({
  es: { shared: sharedEs, catalog: catalogEs, public: publicEs, booking: bookingEs, links: linksEs },
  en: { shared: sharedEn, catalog: catalogEn, public: publicEn, booking: bookingEn, links: linksEn },
});

const root = document.getElementById('root');
if (!root) throw new Error('booking.html has no #root');
createRoot(root).render(
  <StrictMode>
    <AppProviders>
      <BrowserRouter>
        <Suspense fallback={<Skeleton lines={4} />}>
        <Routes>
          <Route path="/" element={<LandingPage />} />
          <Route path="/book/:slug" element={<BookingPage />} />
          <Route path="/book/:slug/account" element={<AccountPage />} />
          <Route path="/book/:slug/:serviceId" element={<BookingPage />} />
          <Route path="/manage/:token" element={<ManagePage />} />
          <Route path="/waitlist/claim/:token" element={<WaitlistClaimPage />} />
          <Route path="/unsubscribe" element={<UnsubscribePage />} />
          <Route path="/payments/return" element={<PaymentReturnPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
        </Suspense>
      </BrowserRouter>
    </AppProviders>
  </StrictMode>,
);
