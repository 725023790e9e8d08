import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useMyBookings, type MyBooking } from '../../shared/api/use-account.ts';
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

function BookingList({
  slug,
  scope,
  title,
  empty,
  children,
}: {
  slug: string;
  scope: 'upcoming' | 'past';
  title: string;
  empty: string;
  children: (booking: MyBooking) => ReactNode;
}) {
  const { t } = useTranslation('account');
  const list = useMyBookings(slug, scope);
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section className={styles.panel} aria-labelledby={`bookings-${scope}`} data-testid={`bookings-${scope}`}>
      <h2 id={`bookings-${scope}`} className={styles.sectionTitle}>
        {title}
      </h2>
      {list.isPending ? (
        <Skeleton lines={2} />
      ) : list.isError ? (
        <LoadError error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
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
      {list.hasNextPage ? (
        <button type="button" className={flow.secondary} disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
          {list.isFetchingNextPage ? t('bookings.loadingMore') : t('bookings.more')}
        </button>
      ) : null}
    </section>
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
