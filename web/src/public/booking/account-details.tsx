import { lazy, Suspense, useMemo, useState, type ComponentType, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '@reservehub/api-client';
import { signOut, useAccountSession } from '../account/api/account-session.ts';
import type { BookedVisit } from '../../shared/api/use-create-booking.ts';
import { useCreateMyBooking, useMyProfile } from '../account/api/use-my-account.ts';
import { LoadError, Skeleton } from '../../shared/ui/page-state.tsx';
import { BookingError } from './booking-error.tsx';
import type { Details } from './details.ts';
import styles from './booking-flow.module.css';

// Loaded when asked for, so a guest's booking carries none of it.
const SignInForm = lazy(() => import('../account/sign-in-form.tsx').then((module) => ({ default: module.SignInForm })));

/** What the booking flow is given of customer accounts (by the booking page; the widget has none). */
export interface BookingFlowAccount {
  signedIn: boolean;
  /** The account's name, email and phone, to start the guest form from (a visit of several bookings). */
  details: Details | null;
  /** The details step when signed in: books one booking as the customer (POST /me/bookings). */
  SignedInDetails: ComponentType<SignedInDetailsProps>;
  /** "Have an account? Sign in", above the guest form. */
  SignInOffer: ComponentType<{ email: string }>;
  /** After booking: the way to the account's bookings. */
  MyBookingsLink: ComponentType;
}

interface SignedInDetailsProps {
  item: { service_id: string; resource_id: string; start_time: string };
  onBooked: (booking: BookedVisit) => void;
  /** A refusal the flow handles itself (the time taken: back to fresh times). */
  onFailed: (error: Error) => void;
  children?: ReactNode;
}

const HANDLED = ['SLOT_UNAVAILABLE'];

/** Customer accounts for the booking flow at the business `slug`. */
export function useBookingFlowAccount(slug: string): BookingFlowAccount {
  const session = useAccountSession(slug);
  const profile = useMyProfile(slug, session !== null).data;
  const details = useMemo<Details | null>(
    () => (profile ? { firstName: profile.first_name, lastName: profile.last_name ?? '', email: profile.email ?? '', phone: profile.phone ?? '', notes: '' } : null),
    [profile],
  );
  const parts = useMemo(
    () => ({
      SignedInDetails: (props: SignedInDetailsProps) => <SignedInDetails slug={slug} {...props} />,
      SignInOffer: ({ email }: { email: string }) => <SignInOffer slug={slug} email={email} />,
      MyBookingsLink: () => <MyBookingsLink slug={slug} />,
    }),
    [slug],
  );
  return { signedIn: session !== null, details: session ? details : null, ...parts };
}

function MyBookingsLink({ slug }: { slug: string }) {
  const { t } = useTranslation('booking');
  return (
    <Link className={styles.secondary} to={`/book/${encodeURIComponent(slug)}/account`} data-testid="to-my-bookings">
      {t('account.myBookings')}
    </Link>
  );
}

/** "Have an account? Sign in": the sign-in form opens in place, and the details fill themselves in. */
function SignInOffer({ slug, email }: { slug: string; email: string }) {
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

/** Signed in: the account's name and email stand in for the form; only notes are asked. */
function SignedInDetails({ slug, item, onBooked, onFailed, children }: SignedInDetailsProps & { slug: string }) {
  const { t } = useTranslation('booking');
  const profile = useMyProfile(slug, true);
  const create = useCreateMyBooking(slug);
  const [notes, setNotes] = useState('');
  const me = profile.data;
  const error = create.error instanceof ApiError && !HANDLED.includes(create.error.code) ? create.error : null;
  return (
    <form
      className={styles.form}
      data-testid="signed-in-details"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate({ ...item, ...(notes.trim() ? { notes: notes.trim() } : {}) }, { onSuccess: onBooked, onError: onFailed });
      }}
    >
      {me ? (
        <p data-testid="booking-as">
          {t('account.bookingAs', { name: [me.first_name, me.last_name].filter(Boolean).join(' '), email: me.email ?? '' })}{' '}
          <button type="button" className={styles.link} onClick={() => void signOut(slug)} data-testid="details-sign-out">
            {t('account.notYou')}
          </button>
        </p>
      ) : profile.isError ? (
        <LoadError error={profile.error} onRetry={() => void profile.refetch()} />
      ) : (
        <Skeleton lines={1} />
      )}
      <div className={styles.field}>
        <label htmlFor="field-notes">{t('notes')}</label>
        <textarea id="field-notes" data-testid="notes" rows={3} maxLength={1000} value={notes} onChange={(event) => setNotes(event.target.value)} />
      </div>
      {children}
      {error ? <BookingError code={error.code} /> : null}
      <button type="submit" className={styles.primary} data-testid="confirm-booking" disabled={create.isPending || !me}>
        {create.isPending ? t('confirming') : t('confirm')}
      </button>
    </form>
  );
}
