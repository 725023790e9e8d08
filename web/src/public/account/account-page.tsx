import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { signOut, useAccountSession } from './api/account-session.ts';
import { useBookingPage } from '../../shared/api/use-booking-page.ts';
import { useMyProfile } from './api/use-my-account.ts';
import { applyAccent } from '../../shared/ui/accent.ts';
import { LoadError, Skeleton } from '../../shared/ui/page-state.tsx';
import { PublicLayout } from '../public-layout.tsx';
import './account-i18n.ts';
import { MyBookings } from './my-bookings.tsx';
import { PaymentMethodsPanel } from './payment-methods-panel.tsx';
import { PrivacyPanel } from './privacy-panel.tsx';
import { ProfilePanel } from './profile-panel.tsx';
import { SignInForm } from './sign-in-form.tsx';
import flow from '../booking/booking-flow.module.css';
import styles from './account.module.css';

const TABS = ['bookings', 'profile', 'payments', 'privacy'] as const;
type Tab = (typeof TABS)[number];

/**
 * `/book/:slug/account` — the customer's account at this business: sign in (code or password),
 * then my bookings (upcoming and past: change, cancel with the refund shown first, book again),
 * profile and preferences, saved cards, and privacy (password, export, closing the account).
 */
export function AccountPage() {
  const { slug = '' } = useParams();
  const { t } = useTranslation('account');
  const page = useBookingPage(slug);
  const session = useAccountSession(slug);
  const [closed, setClosed] = useState(false);
  const business = page.data?.business;
  const bookingUrl = `/book/${encodeURIComponent(slug)}`;

  useEffect(() => {
    applyAccent(business?.accent_color);
    document.title = business ? `${t('documentTitle')} · ${business.name}` : t('documentTitle');
  }, [business, t]);

  let body;
  if (page.isPending) body = <Skeleton lines={4} testId="account-loading" />;
  else if (page.isError) body = <LoadError error={page.error} onRetry={() => void page.refetch()} />;
  else if (!session) {
    body = closed ? (
      <p className={styles.notice} role="status" data-testid="account-closed">
        {t('privacy.closed')}
      </p>
    ) : (
      <SignInForm slug={slug} />
    );
  } else body = <SignedIn slug={slug} onClosed={() => setClosed(true)} />;

  return (
    <PublicLayout>
      <div className={styles.page} data-testid="account-page">
        <div className={styles.head}>
          <Link to={bookingUrl} className={flow.back} data-testid="back-to-booking">
            ← {business ? t('backTo', { name: business.name }) : t('back')}
          </Link>
        </div>
        {body}
      </div>
    </PublicLayout>
  );
}

function SignedIn({ slug, onClosed }: { slug: string; onClosed: () => void }) {
  const { t } = useTranslation('account');
  const [params] = useSearchParams();
  const asked = params.get('tab');
  const tab: Tab = TABS.find((candidate) => candidate === asked) ?? 'bookings';
  const profile = useMyProfile(slug, true);
  const name = profile.data?.first_name ?? '';

  return (
    <>
      <div className={styles.head}>
        <h1 className={styles.title} data-testid="account-greeting">
          {name ? t('hello', { name }) : t('title')}
        </h1>
        <button type="button" className={flow.link} onClick={() => void signOut(slug)} data-testid="sign-out">
          {t('signOut')}
        </button>
      </div>
      <nav aria-label={t('sections')}>
        <ul className={styles.tabs}>
          {TABS.map((candidate) => (
            <li key={candidate}>
              <Link
                to={`?tab=${candidate}`}
                replace
                className={styles.tab}
                aria-current={candidate === tab ? 'page' : undefined}
                data-testid={`account-tab-${candidate}`}
              >
                {t(`tabs.${candidate}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {profile.isError ? <LoadError error={profile.error} onRetry={() => void profile.refetch()} /> : null}
      {tab === 'bookings' ? <MyBookings slug={slug} /> : null}
      {tab === 'profile' ? profile.data ? <ProfilePanel slug={slug} profile={profile.data} /> : <Skeleton lines={3} /> : null}
      {tab === 'payments' ? <PaymentMethodsPanel slug={slug} /> : null}
      {tab === 'privacy' ? profile.data ? <PrivacyPanel slug={slug} profile={profile.data} onClosed={onClosed} /> : <Skeleton lines={3} /> : null}
    </>
  );
}
