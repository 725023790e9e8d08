import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { BookedVisit } from '../../shared/api/use-create-booking.ts';
import { formatMoney } from '../../shared/format/format.ts';
import { slotTime, zoneCity } from '../../shared/time/slot-time.ts';
import { googleCalendarUrl, icsFor, visitEvent } from './add-to-calendar.ts';
import { addressLine } from './business-header.tsx';
import { dateValue } from './month.ts';
import styles from './booking-flow.module.css';
import confirmationStyles from './confirmation.module.css';
import visitStyles from './visit.module.css';

interface ConfirmationProps {
  /** One booking, or the bookings of one visit (several services, or a party). */
  bookings: BookedVisit[];
  business: { name: string; address: Record<string, unknown> | null };
  /** The business's locations: the booking's own says where to go. */
  locations: ReadonlyArray<{ id: string; address: Record<string, unknown> }>;
  customerZone: string;
  /** In the widget's frame, where the product's other pages may not be framed: they open in a new tab. */
  embedded?: boolean;
  onAnother: () => void;
}

/**
 * A big check mark, the booking number(s), when (in both zones if they differ) and where, what
 * happens next, add to calendar and the manage link — or, with a deposit due, the payment link(s).
 */
export function Confirmation({ bookings, business, locations, customerZone, embedded = false, onAnother }: ConfirmationProps) {
  const { t, i18n } = useTranslation('booking');
  const language = i18n.language;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const first = bookings[0];
  if (!first) return null;
  const several = bookings.length > 1;
  const pending = bookings.filter((booking) => booking.status === 'pending_payment');
  const dueNow = pending.reduce((sum, booking) => sum + booking.pricing.deposit_required - booking.pricing.deposit_paid, 0);
  // Several payment pages: each opens in a tab of its own, so this page keeps the others.
  const newTab = embedded || pending.length > 1 ? { target: '_blank', rel: 'noopener' } : {};
  const place = locations.find((candidate) => candidate.id === first.location_id);
  const location = addressLine(place?.address ?? business.address);
  // The unpaid hold ends first for the booking that expires first.
  const expiries = pending.map((booking) => booking.payment_expires_at).filter((expiry): expiry is string => expiry !== null);
  const payBy =
    expiries.length > 0
      ? new Intl.DateTimeFormat(language, { hour: 'numeric', minute: '2-digit', timeZone: customerZone }).format(new Date(Math.min(...expiries.map((expiry) => Date.parse(expiry)))))
      : null;
  const event = visitEvent(bookings, business.name, location);

  const when = (booking: BookedVisit) => {
    const time = slotTime(booking.start_time, { customerZone, locationZone: booking.time_zone, locale: language });
    const day = new Intl.DateTimeFormat(language, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(dateValue(time.customerDate));
    return `${day} · ${time.customer}${time.location ? ` (${t('atLocation', { time: time.location, city: zoneCity(booking.time_zone) })})` : ''}`;
  };
  const downloadIcs = () => {
    const file = new Blob([icsFor(event, t('manage'))], { type: 'text/calendar;charset=utf-8' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(file);
    link.download = `${first.booking_number}.ics`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  };

  return (
    <section className={confirmationStyles.confirmation} data-testid="booking-confirmed" data-status={pending.length > 0 ? 'pending_payment' : first.status}>
      <span className={pending.length > 0 ? `${confirmationStyles.check} ${confirmationStyles.checkPending}` : confirmationStyles.check} aria-hidden="true">
        {pending.length > 0 ? '…' : '✓'}
      </span>
      <h2 className={styles.stepTitle} tabIndex={-1} ref={heading}>
        {pending.length > 0 ? t('pendingTitle', { count: pending.length }) : t('confirmedTitle', { count: bookings.length })}
      </h2>
      {pending.length > 0 ? <p>{t('pendingText', { amount: formatMoney({ amount: dueNow, currency: first.pricing.currency }, language), count: pending.length })}</p> : null}
      {pending.length === 1 && pending[0]?.payment?.payment_page_url ? (
        <a className={`${styles.primary} ${confirmationStyles.payButton}`} href={pending[0].payment.payment_page_url} data-testid="pay-deposit" {...newTab}>
          {t('pay')}
        </a>
      ) : null}
      {payBy ? (
        <p className={styles.hint} data-testid="pay-by">
          {t('payBy', { time: payBy })}
        </p>
      ) : null}

      {several ? (
        <ul className={visitStyles.booked} data-testid="booked-list">
          {bookings.map((booking) => (
            <li key={booking.id} className={visitStyles.bookedItem}>
              <p className={visitStyles.bookedService}>
                {booking.service.name}{' '}
                <span className={booking.status === 'pending_payment' ? visitStyles.statusPending : visitStyles.statusConfirmed} data-testid="booked-status">
                  {t(booking.status === 'pending_payment' ? 'status.pending' : 'status.confirmed')}
                </span>
              </p>
              <p data-testid="booking-number" className={visitStyles.bookedNumber}>
                {booking.booking_number}
              </p>
              <p className={styles.hint} data-testid="booking-when">
                {when(booking)}
              </p>
              <div className={visitStyles.bookedActions}>
                {pending.length > 1 && booking.status === 'pending_payment' && booking.payment?.payment_page_url ? (
                  <a className={styles.primary} href={booking.payment.payment_page_url} data-testid="pay-deposit" {...newTab}>
                    {t('payFor', { amount: formatMoney({ amount: booking.pricing.deposit_required, currency: booking.pricing.currency }, language) })}
                    <span className="visually-hidden"> · {booking.booking_number}</span>
                  </a>
                ) : null}
                {booking.manage_url ? (
                  <a className={styles.link} href={booking.manage_url} data-testid="manage-link" {...(embedded ? { target: '_blank', rel: 'noopener' } : {})}>
                    {t('manageShort')}
                    <span className="visually-hidden"> · {booking.booking_number}</span>
                  </a>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <dl className={confirmationStyles.facts}>
          <div>
            <dt>{t('bookingNumber')}</dt>
            <dd data-testid="booking-number">{first.booking_number}</dd>
          </div>
          <div>
            <dt>{t('when')}</dt>
            <dd data-testid="booking-when">
              {first.service.name} · {when(first)}
            </dd>
          </div>
          {location ? (
            <div>
              <dt>{t('where')}</dt>
              <dd data-testid="booking-where">
                {business.name} ·{' '}
                <a href={`https://www.openstreetmap.org/search?query=${encodeURIComponent(location)}`} target="_blank" rel="noreferrer">
                  {location}
                </a>
              </dd>
            </div>
          ) : null}
        </dl>
      )}
      {several && location ? (
        <p className={styles.hint} data-testid="booking-where">
          {business.name} · {location}
        </p>
      ) : null}

      {pending.length === 0 ? <p className={styles.hint}>{t('next')}</p> : null}
      {pending.length === 0 || (!several && first.manage_url) ? (
        <div className={confirmationStyles.calendarActions}>
          {pending.length === 0 ? (
            <>
              <button type="button" className={styles.secondary} onClick={downloadIcs} data-testid="add-to-calendar-ics">
                {t('calendarFile')}
              </button>
              <a className={styles.secondary} href={googleCalendarUrl(event, t('manage'))} target="_blank" rel="noopener noreferrer" data-testid="add-to-google">
                {t('googleCalendar')}
              </a>
            </>
          ) : null}
          {!several && first.manage_url ? (
            <a className={styles.secondary} href={first.manage_url} data-testid="manage-link" {...(embedded ? { target: '_blank', rel: 'noopener' } : {})}>
              {t('manage')}
            </a>
          ) : null}
        </div>
      ) : null}
      <button type="button" className={styles.link} onClick={onAnother}>
        {t('bookAnother')}
      </button>
    </section>
  );
}
