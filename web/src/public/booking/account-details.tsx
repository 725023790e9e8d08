import { lazy, Suspense, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { signOut } from '../../shared/api/account-session.ts';
import { useMyProfile } from '../../shared/api/use-my-account.ts';
import { Skeleton } from '../../shared/ui/page-state.tsx';
import styles from './booking-flow.module.css';

// Loaded when asked for, so a guest's booking carries none of it.
const SignInForm = lazy(() => import('../account/sign-in-form.tsx').then((module) => ({ default: module.SignInForm })));

/** "Have an account? Sign in": the sign-in form opens in place, and the details fill themselves in. */
export function SignInOffer({ slug, email }: { slug: string; email: string }) {
  const { t } = useTranslation('booking');
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <p className={styles.hint}>
        {t('account.haveAccount')}{' '}
        <button type="button" className={styles.link} onClick={() => setOpen(true)} data-testid="details-sign-in">
          {t('account.signIn')}
        </button>
      </p>
    );
  }
  return (
    <Suspense fallback={<Skeleton lines={2} />}>
      <SignInForm slug={slug} initialEmail={email} />
      <button type="button" className={styles.link} onClick={() => setOpen(false)}>
        {t('account.asGuest')}
      </button>
    </Suspense>
  );
}

interface SignedInDetailsProps {
  slug: string;
  busy: boolean;
  onBook: (notes: string) => void;
  children?: ReactNode;
}

/** Signed in: the account's name and email stand in for the form; only notes are asked. */
export function SignedInDetails({ slug, busy, onBook, children }: SignedInDetailsProps) {
  const { t } = useTranslation('booking');
  const profile = useMyProfile(slug, true);
  const [notes, setNotes] = useState('');
  const me = profile.data;
  return (
    <form
      className={styles.form}
      data-testid="signed-in-details"
      onSubmit={(event) => {
        event.preventDefault();
        onBook(notes.trim());
      }}
    >
      {me ? (
        <p data-testid="booking-as">
          {t('account.bookingAs', { name: [me.first_name, me.last_name].filter(Boolean).join(' '), email: me.email ?? '' })}{' '}
          <button type="button" className={styles.link} onClick={() => void signOut(slug)} data-testid="details-sign-out">
            {t('account.notYou')}
          </button>
        </p>
      ) : (
        <Skeleton lines={1} />
      )}
      <div className={styles.field}>
        <label htmlFor="field-notes">{t('notes')}</label>
        <textarea id="field-notes" data-testid="notes" rows={3} maxLength={1000} value={notes} onChange={(event) => setNotes(event.target.value)} />
      </div>
      {children}
      <button type="submit" className={styles.primary} data-testid="confirm-booking" disabled={busy || !me}>
        {busy ? t('confirming') : t('confirm')}
      </button>
    </form>
  );
}
