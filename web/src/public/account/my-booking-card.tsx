import { useTranslation } from 'react-i18next';
import { ApiError } from '@reservehub/api-client';
import { useChangeMyBooking, useMyCancellationPreview, useRebook, type MyBooking } from './api/use-account.ts';
import { formatMoney } from '../../shared/format/format.ts';
import { LoadError, Skeleton } from '../../shared/ui/page-state.tsx';
import { When } from '../links/manage-page.tsx';
import { ReschedulePicker } from '../reschedule/reschedule-picker.tsx';
import flow from '../booking/booking-flow.module.css';
import links from '../links/links.module.css';
import styles from './account.module.css';

const CANCELLABLE = new Set(['confirmed', 'pending_payment', 'rescheduled']);
const MOVABLE = new Set(['confirmed', 'rescheduled']);

export interface Action {
  bookingId: string;
  kind: 'move' | 'cancel' | 'rebook';
}
export interface Outcome {
  kind: 'cancelled' | 'moved' | 'rebooked';
  booking: MyBooking;
}

interface CardProps {
  slug: string;
  booking: MyBooking;
  scope: 'upcoming' | 'past';
  active: Action | null;
  onOpen: (action: Action | null) => void;
  onDone: (outcome: Outcome) => void;
}

/** One of my bookings: what, when, with whom, its status — and what I can do with it now. */
export function MyBookingCard({ slug, booking, scope, active, onOpen, onDone }: CardProps) {
  const { t, i18n } = useTranslation('account');
  const { t: tl } = useTranslation('links');
  const language = i18n.language;
  const mine = active?.bookingId === booking.id ? active.kind : null;
  const change = useChangeMyBooking(slug);
  const rebook = useRebook(slug);
  const problemOf = (error: unknown) =>
    error instanceof ApiError && error.code === 'SLOT_UNAVAILABLE'
      ? tl('reschedule.taken')
      : error instanceof ApiError && error.status === 422
        ? tl('reschedule.notAllowed')
        : t('errors.generic');
  const close = () => onOpen(null);
  const upcoming = scope === 'upcoming';

  return (
    <article className={styles.item} data-testid="my-booking" data-status={booking.status} data-number={booking.booking_number}>
      <div className={styles.itemHead}>
        <h3 className={styles.itemTitle}>{booking.service.name}</h3>
        <span className={`${links.status} ${links[`status_${booking.status}`] ?? ''}`} data-testid="my-booking-status">
          {tl(`status.${booking.status}`, { defaultValue: booking.status })}
        </span>
      </div>
      <p data-testid="my-booking-when">
        <When start={booking.start_time} zone={booking.time_zone} language={language} />
      </p>
      <p className={styles.muted}>
        {t('bookings.with', { name: booking.resource.name })} · {formatMoney({ amount: booking.pricing.total_price, currency: booking.pricing.currency }, language)} ·{' '}
        {booking.booking_number}
      </p>

      {mine === null ? (
        <div className={styles.row}>
          {upcoming && MOVABLE.has(booking.status) ? (
            <button type="button" className={flow.secondary} onClick={() => onOpen({ bookingId: booking.id, kind: 'move' })} data-testid="my-booking-move">
              {tl('reschedule.button')}
              <span className="visually-hidden"> · {booking.booking_number}</span>
            </button>
          ) : null}
          {upcoming && CANCELLABLE.has(booking.status) ? (
            <button type="button" className={flow.secondary} onClick={() => onOpen({ bookingId: booking.id, kind: 'cancel' })} data-testid="my-booking-cancel">
              {tl('manage.cancel')}
              <span className="visually-hidden"> · {booking.booking_number}</span>
            </button>
          ) : null}
          {!upcoming ? (
            <button type="button" className={flow.primary} onClick={() => onOpen({ bookingId: booking.id, kind: 'rebook' })} data-testid="my-booking-rebook">
              {t('bookings.rebook')}
              <span className="visually-hidden"> · {booking.service.name}</span>
            </button>
          ) : null}
        </div>
      ) : null}

      {mine === 'move' ? (
        <ReschedulePicker
          slug={slug}
          serviceId={booking.service.id}
          resourceId={booking.resource.id}
          currentStart={booking.start_time}
          locationZone={booking.time_zone}
          busy={change.isPending}
          problem={change.isError ? problemOf(change.error) : null}
          onPick={(slot) =>
            change.mutate({ id: booking.id, action: 'reschedule', new_start_time: slot.start_time }, { onSuccess: (moved) => onDone({ kind: 'moved', booking: moved }) })
          }
          onClose={close}
        />
      ) : null}

      {mine === 'rebook' ? (
        <ReschedulePicker
          slug={slug}
          serviceId={booking.service.id}
          resourceId={booking.resource.id}
          currentStart={booking.start_time}
          locationZone={booking.time_zone}
          busy={rebook.isPending}
          problem={rebook.isError ? problemOf(rebook.error) : null}
          onPick={(slot) => rebook.mutate({ id: booking.id, start_time: slot.start_time }, { onSuccess: (created) => onDone({ kind: 'rebooked', booking: created }) })}
          onClose={close}
          copy={{
            title: t('bookings.rebookTitle', { service: booking.service.name }),
            confirmText: (time) => t('bookings.rebookConfirmText', { service: booking.service.name, time }),
            confirm: t('bookings.rebookConfirm'),
            working: t('bookings.rebooking'),
            keep: t('bookings.rebookCancel'),
          }}
        />
      ) : null}

      {mine === 'cancel' ? <CancelConfirm slug={slug} booking={booking} onClose={close} onDone={onDone} /> : null}
    </article>
  );
}

/** The refund comes first (the server's preview under the service's policy), then the confirming click. */
function CancelConfirm({ slug, booking, onClose, onDone }: { slug: string; booking: MyBooking; onClose: () => void; onDone: (outcome: Outcome) => void }) {
  const { t, i18n } = useTranslation('links');
  const preview = useMyCancellationPreview(slug, booking.id, true);
  const cancel = useChangeMyBooking(slug);
  const shown = preview.data?.preview;
  const paid = preview.data?.pricing.deposit_paid ?? booking.pricing.deposit_paid;
  return (
    <section className={links.confirm} aria-labelledby="cancel-title" data-testid="my-booking-confirm-cancel">
      <h4 id="cancel-title" className={links.subtitle}>
        {t('manage.confirmTitle')}
      </h4>
      {preview.isPending ? <Skeleton lines={1} /> : null}
      {preview.isError ? <LoadError error={preview.error} onRetry={() => void preview.refetch()} /> : null}
      {shown ? (
        <>
          <p data-testid="my-booking-refund-preview">
            {shown.refund.amount > 0
              ? t('manage.refundPreview', { amount: formatMoney(shown.refund, i18n.language) })
              : paid > 0
                ? t('manage.noRefund')
                : t('manage.nothingPaid')}
          </p>
          {shown.allowed ? (
            <div className={styles.row}>
              <button
                type="button"
                className={styles.danger}
                disabled={cancel.isPending}
                onClick={() => cancel.mutate({ id: booking.id, action: 'cancel' }, { onSuccess: (cancelled) => onDone({ kind: 'cancelled', booking: cancelled }) })}
                data-testid="my-booking-cancel-confirm"
              >
                {cancel.isPending ? t('manage.cancelling') : t('manage.confirmCancel')}
              </button>
              <button type="button" className={flow.secondary} onClick={onClose}>
                {t('manage.keep')}
              </button>
            </div>
          ) : (
            <>
              <p role="alert" data-testid="my-booking-cancel-not-allowed">
                {t('manage.notAllowed')}
              </p>
              <button type="button" className={flow.secondary} onClick={onClose}>
                {t('manage.keep')}
              </button>
            </>
          )}
        </>
      ) : null}
      {cancel.isError ? (
        <p role="alert" className={links.errorText}>
          {t('manage.cancelFailed')}
        </p>
      ) : null}
    </section>
  );
}
