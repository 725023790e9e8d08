import { StrictMode } from 'react';
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
import bookingEn from '../public/booking/i18n/en.json';
import bookingEs from '../public/booking/i18n/es.json';
import { EmbedPage } from './embed-page.tsx';

/** The widget entry (embed.html): the server sends it for /embed/*, the one page a business may frame. */

prefetchBookingPage(queryClient, window.location.pathname);

await startI18n({
  es: { shared: sharedEs, catalog: catalogEs, booking: bookingEs },
  en: { shared: sharedEn, catalog: catalogEn, booking: bookingEn },
});

const root = document.getElementById('root');
if (!root) throw new Error('embed.html has no #root');
createRoot(root).render(
  <StrictMode>
    <AppProviders>
      <BrowserRouter>
        <Routes>
          <Route path="/embed/:slug/*" element={<EmbedPage />} />
        </Routes>
      </BrowserRouter>
    </AppProviders>
  </StrictMode>,
);
