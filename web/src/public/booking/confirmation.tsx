import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CreatedBooking } from '../../shared/api/use-create-booking.ts';
import { formatMoney } from '../../shared/format/format.ts';
import { slotTime, zoneCity } from '../../shared/time/slot-time.ts';
import { googleCalendarUrl, icsFor, type CalendarBooking } from './add-to-calendar.ts';
import { addressLine } from './business-header.tsx';
import { dateValue } from './month.ts';
import styles from './booking-flow.module.css';

/** The booking number, when (in both zones if they differ), the manage link and what happens next — or the payment link. */
export function Confirmation({
  booking,
  business,
  customerZone,
  embedded = false,
  onAnother,
}: {
  booking: CreatedBooking;
  business: { name: string; address: Record<string, unknown> | null };
  customerZone: string;
  /** In the widget's frame, where the product's other pages may not be framed: they open in a new tab. */
  embedded?: boolean;
  onAnother: () => void;
}) {
  const newTab = embedded ? { target: '_blank', rel: 'noopener' } : {};
  const { t, i18n } = useTranslation('booking');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const time = slotTime(booking.start_time, { customerZone, locationZone: booking.time_zone, locale: i18n.language });
  const day = new Intl.DateTimeFormat(i18n.language, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(dateValue(time.customerDate));
  const payUrl = booking.payment?.payment_page_url ?? null;
  const calendar: CalendarBooking = {
    id: booking.id,
    number: booking.booking_number,
    start: booking.start_time,
    end: booking.end_time,
    service: booking.service.name,
    business: business.name,
    location: addressLine(business.address),
    manageUrl: booking.manage_url ?? null,
  };
  const downloadIcs = () => {
    const file = new Blob([icsFor(calendar, t('manage'))], { type: 'text/calendar;charset=utf-8' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(file);
    link.download = `${booking.booking_number}.ics`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  };
  const pending = booking.status === 'pending_payment';
  return (
    <section className={styles.confirmation} data-testid="booking-confirmed" data-status={booking.status}>
      <span className={pending ? `${styles.check} ${styles.checkPending}` : styles.check} aria-hidden="true">
        {pending ? '…' : '✓'}
      </span>
      <h2 className={styles.stepTitle} tabIndex={-1} ref={heading}>
        {pending ? t('pendingTitle') : t('confirmedTitle')}
      </h2>
      {pending ? <p>{t('pendingText', { amount: formatMoney({ amount: booking.pricing.deposit_required, currency: booking.pricing.currency }, i18n.language) })}</p> : null}
      {pending && payUrl ? (
        <a className={styles.primary} href={payUrl} data-testid="pay-deposit" {...newTab}>
          {t('pay')}
        </a>
      ) : null}
      <dl className={styles.facts}>
        <div>
          <dt>{t('bookingNumber')}</dt>
          <dd data-testid="booking-number">{booking.booking_number}</dd>
        </div>
        <div>
          <dt>{t('when')}</dt>
          <dd data-testid="booking-when">
            {booking.service.name} · {day} · {time.customer}
            {time.location ? ` (${t('atLocation', { time: time.location, city: zoneCity(booking.time_zone) })})` : ''}
          </dd>
        </div>
      </dl>
      {!pending ? <p className={styles.hint}>{t('next')}</p> : null}
      {!pending ? (
        <div className={styles.calendarActions} role="group" aria-label={t('addToCalendar')}>
          <button type="button" className={styles.secondary} onClick={downloadIcs} data-testid="add-to-calendar-ics">
            {t('calendarFile')}
          </button>
          <a className={styles.secondary} href={googleCalendarUrl(calendar, t('manage'))} target="_blank" rel="noopener noreferrer" data-testid="add-to-google">
            {t('googleCalendar')}
          </a>
        </div>
      ) : null}
      {booking.manage_url ? (
        <a className={styles.secondary} href={booking.manage_url} data-testid="manage-link" {...newTab}>
          {t('manage')}
        </a>
      ) : null}
      <button type="button" className={styles.link} onClick={onAnother}>
        {t('bookAnother')}
      </button>
    </section>
  );
}
