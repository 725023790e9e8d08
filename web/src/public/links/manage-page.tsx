import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ApiError } from '@reservehub/api-client';
import { useCancelBooking, useCancellationPreview, useManagedBooking, useRescheduleBooking, type ManagedBooking } from '../../shared/api/use-links.ts';
import { ReschedulePicker } from '../reschedule/reschedule-picker.tsx';
import { formatMoney } from '../../shared/format/format.ts';
import { LoadError, Skeleton } from '../../shared/ui/page-state.tsx';
import { PublicLayout } from '../public-layout.tsx';
import { InvalidLink } from './invalid-link.tsx';
import styles from './links.module.css';

const CANCELLABLE = new Set(['confirmed', 'pending_payment', 'rescheduled']);
const MOVABLE = new Set(['confirmed', 'rescheduled']);

/** `/manage/:token`: the booking a message links to, and cancelling it with the refund shown first. */
export function ManagePage() {
  const { token = '' } = useParams();
  const { t } = useTranslation('links');
  const booking = useManagedBooking(token);
  useEffect(() => {
    document.title = t('manage.documentTitle');
  }, [t]);

  let body;
  if (booking.isPending) body = <Skeleton lines={2} testId="manage-loading" />;
  else if (booking.isError) {
    body = isGone(booking.error) ? <InvalidLink /> : <LoadError error={booking.error} onRetry={() => void booking.refetch()} />;
  } else body = <ManagedBookingView token={token} booking={booking.data} />;
  return <PublicLayout>{body}</PublicLayout>;
}

export function isGone(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 400 || error.status === 410);
}

function ManagedBookingView({ token, booking }: { token: string; booking: ManagedBooking }) {
  const { t, i18n } = useTranslation('links');
  const [confirming, setConfirming] = useState(false);
  const [moving, setMoving] = useState(false);
  const preview = useCancellationPreview(token, confirming);
  const cancel = useCancelBooking(token);
  const reschedule = useRescheduleBooking(token);
  const moveProblem = !reschedule.isError
    ? null
    : reschedule.error instanceof ApiError && reschedule.error.code === 'SLOT_UNAVAILABLE'
      ? t('reschedule.taken')
      : reschedule.error instanceof ApiError && reschedule.error.status === 422
        ? t('reschedule.notAllowed')
        : t('reschedule.failed');
  const language = i18n.language;
  const paid = booking.pricing.deposit_paid;
  const cancellable = CANCELLABLE.has(booking.status);

  return (
    <article className={styles.card} data-testid="manage-booking" data-status={booking.status}>
      <p className={styles.eyebrow}>{t('manage.number', { number: booking.booking_number })}</p>
      <h1 className={styles.title}>{booking.service.name}</h1>
      <p className={`${styles.status} ${styles[`status_${booking.status}`] ?? ''}`} data-testid="manage-status">
        {t(`status.${booking.status}`, { defaultValue: booking.status })}
      </p>
      <dl className={styles.facts}>
        <dt>{t('manage.when')}</dt>
        <dd data-testid="manage-when">
          <When start={booking.start_time} zone={booking.time_zone} language={language} />
        </dd>
        <dt>{t('manage.with')}</dt>
        <dd>{booking.resource.name}</dd>
        <dt>{t('manage.price')}</dt>
        <dd>{formatMoney({ amount: booking.pricing.total_price, currency: booking.pricing.currency }, language)}</dd>
        <dt>{t('manage.paid')}</dt>
        <dd data-testid="manage-paid">{formatMoney({ amount: paid, currency: booking.pricing.currency }, language)}</dd>
      </dl>

      {booking.status === 'cancelled' ? (
        <div className={styles.notice} role="status" data-testid="manage-cancelled">
          <p>{t('manage.cancelled')}</p>
          {cancel.data?.refund ? (
            <p data-testid="manage-refund-result">
              {t('manage.refunded', { amount: formatMoney({ amount: cancel.data.refund.amount, currency: cancel.data.refund.currency }, language) })}
            </p>
          ) : null}
        </div>
      ) : null}

      {reschedule.isSuccess && !moving ? (
        <p className={styles.notice} role="status" data-testid="manage-rescheduled">
          {t('reschedule.done')}
        </p>
      ) : null}

      {MOVABLE.has(booking.status) && moving ? (
        <ReschedulePicker
          slug={booking.business_slug}
          serviceId={booking.service.id}
          resourceId={booking.resource.id}
          currentStart={booking.start_time}
          locationZone={booking.time_zone}
          busy={reschedule.isPending}
          problem={moveProblem}
          onPick={(slot) => reschedule.mutate(slot.start_time, { onSuccess: () => setMoving(false) })}
          onClose={() => setMoving(false)}
        />
      ) : null}

      {cancellable && !confirming && !moving ? (
        <div className={styles.actions}>
          {MOVABLE.has(booking.status) ? (
            <button
              type="button"
              className={styles.secondary}
              onClick={() => {
                reschedule.reset();
                setMoving(true);
              }}
              data-testid="manage-reschedule"
            >
              {t('reschedule.button')}
            </button>
          ) : null}
          <button type="button" className={styles.secondary} onClick={() => setConfirming(true)} data-testid="manage-cancel">
            {t('manage.cancel')}
          </button>
        </div>
      ) : null}

      {cancellable && confirming ? (
        <section className={styles.confirm} aria-labelledby="cancel-title" data-testid="manage-confirm">
          <h2 id="cancel-title" className={styles.subtitle}>
            {t('manage.confirmTitle')}
          </h2>
          {preview.isPending ? <Skeleton lines={1} /> : null}
          {preview.isError ? <LoadError error={preview.error} onRetry={() => void preview.refetch()} /> : null}
          {preview.data?.preview ? (
            <>
              <p data-testid="manage-refund-preview">
                {preview.data.preview.refund.amount > 0
                  ? t('manage.refundPreview', {
                      amount: formatMoney(preview.data.preview.refund, language),
                    })
                  : paid > 0
                    ? t('manage.noRefund')
                    : t('manage.nothingPaid')}
              </p>
              {preview.data.preview.allowed ? (
                <div className={styles.actions}>
                  <button
                    type="button"
                    className={styles.danger}
                    disabled={cancel.isPending}
                    onClick={() => cancel.mutate()}
                    data-testid="manage-cancel-confirm"
                  >
                    {cancel.isPending ? t('manage.cancelling') : t('manage.confirmCancel')}
                  </button>
                  <button type="button" className={styles.secondary} onClick={() => setConfirming(false)}>
                    {t('manage.keep')}
                  </button>
                </div>
              ) : (
                <p role="alert" data-testid="manage-cancel-not-allowed">
                  {t('manage.notAllowed')}
                </p>
              )}
            </>
          ) : null}
          {cancel.isError ? (
            <p role="alert" className={styles.errorText}>
              {t('manage.cancelFailed')}
            </p>
          ) : null}
        </section>
      ) : null}
    </article>
  );
}

/** The time in the location's zone, and in the visitor's when it differs. */
export function When({ start, zone, language }: { start: string; zone: string; language: string }) {
  const { t } = useTranslation('links');
  const date = new Date(start);
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const format = (timeZone: string) =>
    new Intl.DateTimeFormat(language, { dateStyle: 'full', timeStyle: 'short', timeZone }).format(date);
  const place = zone.split('/').pop()?.replace(/_/g, ' ') ?? zone;
  if (local === zone) return <>{format(zone)}</>;
  return (
    <>
      {t('manage.inZone', { time: format(zone), place })}
      <br />
      <span className={styles.muted}>{t('manage.yourTime', { time: format(local) })}</span>
    </>
  );
}
