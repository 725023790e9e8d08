import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAccountSession } from '../account/api/account-session.ts';
import styles from './booking-flow.module.css';

/** The booking page's way into the account: "Sign in", or "My bookings" once signed in at this business. */
export function AccountEntry({ slug }: { slug: string }) {
  const { t } = useTranslation('booking');
  const session = useAccountSession(slug);
  return (
    <Link className={styles.accountEntry} to={`/book/${encodeURIComponent(slug)}/account`} data-testid={session ? 'my-account-link' : 'sign-in-link'}>
      {session ? (session.firstName ? `${t('account.myBookings')} · ${session.firstName}` : t('account.myBookings')) : t('account.signIn')}
    </Link>
  );
}
