import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useMyBookingsPage, type MyBooking } from './api/use-account.ts';
import { formatMoney } from '../../shared/format/format.ts';
import { LoadError, Skeleton } from '../../shared/ui/page-state.tsx';
import { MyBookingCard, type Action, type Outcome } from './my-booking-card.tsx';
import flow from '../booking/booking-flow.module.css';
import styles from './account.module.css';

/** Upcoming bookings (soonest first) and past ones (newest first), each a page at a time. */
export function MyBookings({ slug }: { slug: string }) {
  const { t, i18n } = useTranslation('account');
  // One open action at a time, so one picker or confirmation is on screen (and its ids are unique).
  const [active, setActive] = useState<Action | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const language = i18n.language;

  const done = (result: Outcome) => {
    setActive(null);
    setOutcome(result);
  };
  const open = (action: Action | null) => {
    setActive(action);
    if (action) setOutcome(null);
  };

  return (
    <div className={styles.page}>
      <div aria-live="polite" data-testid="account-notice-region">
        {outcome ? <OutcomeNotice outcome={outcome} language={language} /> : null}
      </div>
      {(['upcoming', 'past'] as const).map((scope) => (
        <BookingList key={scope} slug={slug} scope={scope} title={t(`bookings.${scope}`)} empty={t(`bookings.${scope}Empty`)}>
          {(booking) => <MyBookingCard slug={slug} booking={booking} scope={scope} active={active} onOpen={open} onDone={done} />}
        </BookingList>
      ))}
    </div>
  );
}

interface ListProps {
  slug: string;
  scope: 'upcoming' | 'past';
  title: string;
  empty: string;
  children: (booking: MyBooking) => ReactNode;
}

/** A section of my bookings: its first page, and each further page asked for with "show more". */
function BookingList({ slug, scope, title, empty, children }: ListProps) {
  const [cursors, setCursors] = useState<string[]>([]);
  return (
    <section className={styles.panel} aria-labelledby={`bookings-${scope}`} data-testid={`bookings-${scope}`}>
      <h2 id={`bookings-${scope}`} className={styles.sectionTitle}>
        {title}
      </h2>
      {[undefined, ...cursors].map((cursor, index) => (
        <BookingPage
          key={cursor ?? 'first'}
          slug={slug}
          scope={scope}
          cursor={cursor}
          empty={index === 0 ? empty : null}
          onMore={index === cursors.length ? (next) => setCursors((shown) => [...shown, next]) : null}
        >
          {children}
        </BookingPage>
      ))}
    </section>
  );
}

function BookingPage({
  slug,
  scope,
  cursor,
  empty,
  onMore,
  children,
}: Omit<ListProps, 'title' | 'empty'> & { cursor: string | undefined; empty: string | null; onMore: ((next: string) => void) | null }) {
  const { t } = useTranslation('account');
  const page = useMyBookingsPage(slug, scope, cursor);
  if (page.isPending) return <Skeleton lines={2} />;
  if (page.isError) return <LoadError error={page.error} onRetry={() => void page.refetch()} />;
  const { items, next } = page.data;
  return (
    <>
      {items.length === 0 && empty !== null ? (
        <p className={styles.empty} data-testid={`bookings-${scope}-empty`}>
          {empty}
        </p>
      ) : (
        <ul className={styles.list}>
          {items.map((booking) => (
            <li key={booking.id}>{children(booking)}</li>
          ))}
        </ul>
      )}
      {next && onMore ? (
        <button type="button" className={flow.secondary} onClick={() => onMore(next)}>
          {t('bookings.more')}
        </button>
      ) : null}
    </>
  );
}

function OutcomeNotice({ outcome, language }: { outcome: Outcome; language: string }) {
  const { t } = useTranslation('account');
  const { booking } = outcome;
  const payUrl = booking.status === 'pending_payment' ? booking.payment?.payment_page_url : null;
  let text: string;
  if (outcome.kind === 'cancelled') {
    text = booking.refund
      ? t('bookings.cancelledRefund', { amount: formatMoney({ amount: booking.refund.amount, currency: booking.refund.currency }, language) })
      : t('bookings.cancelled');
  } else if (outcome.kind === 'moved') text = t('bookings.moved');
  else text = t(payUrl ? 'bookings.rebookedPending' : 'bookings.rebooked', { number: booking.booking_number });
  return (
    <div className={styles.notice} data-testid="account-notice" data-kind={outcome.kind}>
      <p>{text}</p>
      {payUrl ? (
        <a className={flow.primary} href={payUrl} data-testid="pay-deposit">
          {t('bookings.pay')}
        </a>
      ) : null}
    </div>
  );
}
