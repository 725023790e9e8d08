import '@mantine/core/styles.css';
import '@mantine/dates/styles.css';
import '@mantine/notifications/styles.css';
import './admin.css';
import 'dayjs/locale/es';
import { Center, createTheme, Loader, MantineProvider, Notification } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { Notifications } from '@mantine/notifications';
import { ApiError } from '@reservehub/api-client';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense, useMemo, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useSearchParams } from 'react-router';
import { startI18n } from '../shared/i18n/i18n.ts';
import { adminKeys } from './admin-keys.ts';
import { DeskPage } from './desk/desk-page.tsx';
import adminEn from './i18n/en.json';
import adminEs from './i18n/es.json';
import { AcceptInvitationPage, ForgotPasswordPage, ResetPasswordPage, VerifyEmailPage } from './account/link-pages.tsx';
import { SecurityPage } from './account/security-page.tsx';
import { SignupPage } from './account/signup-page.tsx';
import { LoginPage } from './login/login-page.tsx';
import { OfflineNotice } from './offline/offline-notice.tsx';
import { registerServiceWorker } from './offline/register-service-worker.ts';
import { PaymentsSettingsPage } from './settings/payments-page.tsx';
import { session } from './session/session.ts';
import { isPlatformPerson, useMe, useSignedIn, type Me } from './session/use-session.ts';
import { PLATFORM_AREAS, platformLanding } from './platform/platform-areas.ts';
import { AdminShell } from './shell/admin-shell.tsx';

// The calendar (and dnd-kit) load on demand: the sign-in screen and the desk do not carry them.
const CalendarPage = lazy(() => import('./calendar/calendar-page.tsx'));
const ReportsPage = lazy(() => import('./reports/reports-page.tsx'));
const PlatformOverviewPage = lazy(() => import('./platform/platform-pages.tsx').then((module) => ({ default: module.PlatformOverviewPage })));
const PlatformTenantsPage = lazy(() => import('./platform/platform-pages.tsx').then((module) => ({ default: module.PlatformTenantsPage })));
const PlatformTenantPage = lazy(() => import('./platform/tenant-detail-page.tsx').then((module) => ({ default: module.PlatformTenantPage })));
const PlatformPlansPage = lazy(() => import('./platform/plans-page.tsx').then((module) => ({ default: module.PlatformPlansPage })));
const DeadJobsPage = lazy(() => import('./platform/dead-jobs-page.tsx').then((module) => ({ default: module.DeadJobsPage })));
const AuditTrailPage = lazy(() => import('./platform/audit-trail-page.tsx').then((module) => ({ default: module.AuditTrailPage })));
const PrivacyRequestsPage = lazy(() => import('./platform/privacy-requests-page.tsx').then((module) => ({ default: module.PrivacyRequestsPage })));
const ComplianceReportPage = lazy(() => import('./platform/compliance-report-page.tsx').then((module) => ({ default: module.ComplianceReportPage })));
const PlatformMfaGate = lazy(() => import('./platform/mfa-gate.tsx').then((module) => ({ default: module.PlatformMfaGate })));
// The business's own screens, each a chunk of its own with its own words.
const CustomersPage = lazy(() => import('./customers/customers-page.tsx'));
const PrivacyPage = lazy(() => import('./privacy/privacy-page.tsx'));
const ServicesPage = lazy(() => import('./catalog/services-page.tsx'));
const ResourcesPage = lazy(() => import('./catalog/resources-page.tsx'));
const HoursPage = lazy(() => import('./hours/hours-page.tsx'));
const TeamPage = lazy(() => import('./team/team-page.tsx'));
const PlanPage = lazy(() => import('./team/plan-page.tsx'));
const AuditLogPage = lazy(() => import('./team/audit-log-page.tsx'));
const DevelopersPage = lazy(() => import('./developers/developers-page.tsx'));
const NotificationsSettingsPage = lazy(() => import('./messages/messages-page.tsx'));
const BillingPage = lazy(() => import('./billing/billing-page.tsx'));
const BusinessProfilePage = lazy(() => import('./settings/business-profile-page.tsx'));
const DomainPage = lazy(() => import('./settings/domain-page.tsx'));
const NotForYouPage = lazy(() => import('./platform/platform-pages.tsx').then((module) => ({ default: module.NotForYouPage })));

/**
 * The business dashboard (admin.html, served for /admin/*): React with Mantine, its own build
 * (web/vite.admin.config.ts). A stored session is resumed silently before the first screen; a
 * 401 that a refresh cannot cure (session revoked or expired) ends it and the sign-in page says so;
 * a server that cannot be reached (offline) keeps it, and the page says that instead.
 */
registerServiceWorker();
await startI18n({ es: { admin: adminEs }, en: { admin: adminEn } });
if (session.hasRefreshToken()) await session.refresh();

const endOnUnauthenticated = (error: unknown) => {
  if (error instanceof ApiError && error.status === 401 && session.signedIn()) session.end('expired');
};
const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: endOnUnauthenticated }),
  mutationCache: new MutationCache({
    onError: endOnUnauthenticated,
    // Any change may finish a first-run step (a location, a service, hours): the checklist reads itself again.
    onSuccess: (): void => {
      void queryClient.invalidateQueries({ queryKey: adminKeys.setupStatus });
    },
  }),
  defaultOptions: {
    queries: {
      retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: true,
    },
  },
});

/**
 * Pages behind sign-in: the shell with the person's business and permissions. The business pages
 * send the platform's people (administrators and auditors) to the console; the console refuses
 * everyone else, and sends each of its people from a screen they may not use to one they may. The
 * person's own account pages (`account`) are for everyone signed in.
 */
function SignedIn({ children, area = 'business', path }: { children: (me: NonNullable<ReturnType<typeof useMe>['data']>) => ReactNode; area?: 'business' | 'platform' | 'account'; path?: string }) {
  const signedIn = useSignedIn();
  const me = useMe(signedIn);
  const { t } = useTranslation('admin');
  // Opened without a network (the installed app, from the service worker's shell): say so rather than sign out.
  if (!signedIn) return session.awaitingServer() ? <OfflineNotice onRetry={session.refresh} /> : <Navigate to="/admin/login" replace />;
  if (!me.data) {
    if (me.error instanceof ApiError && me.error.code === 'NETWORK_ERROR') return <OfflineNotice onRetry={me.refetch} />;
    return (
      <Center h="100dvh">
        <Loader aria-label={t('loading')} />
      </Center>
    );
  }
  const platformPerson = isPlatformPerson(me.data);
  if (area === 'business' && platformPerson) return <Navigate to="/platform" replace />;
  const screen = PLATFORM_AREAS.find((candidate) => candidate.to === path);
  const landing = platformPerson ? platformLanding(me.data) : null;
  if (area === 'platform' && screen && !screen.visible(me.data) && landing) return <Navigate to={landing} replace />;
  return (
    <AdminShell me={me.data}>
      {area === 'platform' && (!platformPerson || landing === null) ? (
        <Suspense fallback={<PageLoading />}>
          <NotForYouPage />
        </Suspense>
      ) : area === 'platform' ? (
        <Suspense fallback={<PageLoading />}>
          <PlatformMfaGate me={me.data}>{children(me.data)}</PlatformMfaGate>
        </Suspense>
      ) : (
        children(me.data)
      )}
    </AdminShell>
  );
}

/** A lazily loaded console screen behind sign-in, for the platform's people who may use it. */
function PlatformPage({ path, page: Page }: { path: string; page: LazyExoticComponent<ComponentType<{ me: Me }>> }) {
  return (
    <SignedIn area="platform" path={path}>
      {(me) => (
        <Suspense fallback={<PageLoading />}>
          <Page me={me} />
        </Suspense>
      )}
    </SignedIn>
  );
}

/** A lazily loaded business screen behind sign-in. */
function BusinessPage({ page: Page }: { page: LazyExoticComponent<ComponentType<{ me: Me }>> }) {
  return (
    <SignedIn>
      {(me) => (
        <Suspense fallback={<PageLoading />}>
          <Page me={me} />
        </Suspense>
      )}
    </SignedIn>
  );
}

/** Handoffs already taken, by key: taken once, whatever React renders twice. */
const takenHandoffs = new Map<string, boolean>();

/** The tab the console opened for an impersonation: takes its session, then opens the business's bookings. */
function ImpersonationLanding() {
  const [params] = useSearchParams();
  const key = params.get('handoff') ?? '';
  if (!takenHandoffs.has(key)) takenHandoffs.set(key, session.takeHandoff(key));
  return <Navigate to={takenHandoffs.get(key) ? '/admin/bookings' : '/admin/login'} replace />;
}

function PageLoading() {
  const { t } = useTranslation('admin');
  return (
    <Center h={240}>
      <Loader aria-label={t('loading')} />
    </Center>
  );
}

/**
 * Mantine in the dashboard's language: a notification's close button is named for screen readers.
 * Mantine writes no <style> element (the page's CSP refuses them): its CSS variables come from its
 * stylesheet, and no component uses hiddenFrom/visibleFrom. Drawers, modals and menus open without
 * motion for people who ask their system for less of it.
 */
function LocalizedMantine({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation('admin');
  const theme = useMemo(
    () => createTheme({ respectReducedMotion: true, components: { Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': t('closeNotice') } } }) } }),
    [t, i18n.language],
  );
  return (
    <MantineProvider withCssVariables={false} withGlobalClasses={false} defaultColorScheme="auto" theme={theme}>
      {children}
    </MantineProvider>
  );
}

function LocalizedDates({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  return <DatesProvider settings={{ locale: i18n.language, firstDayOfWeek: 1 }}>{children}</DatesProvider>;
}

const root = document.getElementById('root');
if (!root) throw new Error('admin.html has no #root');
createRoot(root).render(
  <StrictMode>
    <LocalizedMantine>
      <LocalizedDates>
        <Notifications position="bottom-right" />
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <Routes>
              <Route path="/admin/login" element={<LoginPage />} />
              <Route path="/admin/signup" element={<SignupPage />} />
              <Route path="/admin/forgot-password" element={<ForgotPasswordPage />} />
              <Route path="/admin/reset-password" element={<ResetPasswordPage />} />
              <Route path="/admin/verify-email" element={<VerifyEmailPage />} />
              <Route path="/admin/accept-invitation" element={<AcceptInvitationPage />} />
              <Route path="/admin/impersonate" element={<ImpersonationLanding />} />
              <Route path="/admin/bookings" element={<SignedIn>{(me) => <DeskPage me={me} />}</SignedIn>} />
              <Route path="/admin/account/security" element={<SignedIn area="account">{(me) => <SecurityPage me={me} />}</SignedIn>} />
              <Route path="/admin/settings/payments" element={<SignedIn>{() => <PaymentsSettingsPage />}</SignedIn>} />
              <Route path="/admin/calendar" element={<BusinessPage page={CalendarPage} />} />
              <Route path="/admin/reports" element={<BusinessPage page={ReportsPage} />} />
              <Route path="/admin/customers/privacy" element={<BusinessPage page={PrivacyPage} />} />
              <Route path="/admin/customers/:id?" element={<BusinessPage page={CustomersPage} />} />
              <Route path="/admin/settings/services" element={<BusinessPage page={ServicesPage} />} />
              <Route path="/admin/settings/resources" element={<BusinessPage page={ResourcesPage} />} />
              <Route path="/admin/settings/hours" element={<BusinessPage page={HoursPage} />} />
              <Route path="/admin/settings/team" element={<BusinessPage page={TeamPage} />} />
              <Route path="/admin/settings/plan" element={<BusinessPage page={PlanPage} />} />
              <Route path="/admin/settings/audit-log" element={<BusinessPage page={AuditLogPage} />} />
              <Route path="/admin/settings/developers" element={<BusinessPage page={DevelopersPage} />} />
              <Route path="/admin/settings/messages" element={<BusinessPage page={NotificationsSettingsPage} />} />
              <Route path="/admin/settings/billing" element={<BusinessPage page={BillingPage} />} />
              <Route path="/admin/settings/business" element={<BusinessPage page={BusinessProfilePage} />} />
              <Route path="/admin/settings/domain" element={<BusinessPage page={DomainPage} />} />
              <Route path="/platform" element={<PlatformPage path="/platform" page={PlatformOverviewPage} />} />
              <Route path="/platform/tenants" element={<PlatformPage path="/platform/tenants" page={PlatformTenantsPage} />} />
              <Route path="/platform/tenants/:id" element={<PlatformPage path="/platform/tenants" page={PlatformTenantPage} />} />
              <Route path="/platform/plans" element={<PlatformPage path="/platform/plans" page={PlatformPlansPage} />} />
              <Route path="/platform/jobs" element={<PlatformPage path="/platform/jobs" page={DeadJobsPage} />} />
              <Route path="/platform/audit" element={<PlatformPage path="/platform/audit" page={AuditTrailPage} />} />
              <Route path="/platform/privacy" element={<PlatformPage path="/platform/privacy" page={PrivacyRequestsPage} />} />
              <Route path="/platform/compliance-report" element={<PlatformPage path="/platform/compliance-report" page={ComplianceReportPage} />} />
              <Route path="/platform/*" element={<Navigate to="/platform" replace />} />
              <Route path="*" element={<Navigate to="/admin/bookings" replace />} />
            </Routes>
          </BrowserRouter>
        </QueryClientProvider>
      </LocalizedDates>
    </LocalizedMantine>
  </StrictMode>,
);
