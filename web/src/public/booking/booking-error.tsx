import { useTranslation } from 'react-i18next';
import styles from './booking-flow.module.css';

/** A booking refused for a reason the flow does not handle itself: what to do next. */
export function BookingError({ code }: { code: string }) {
  const { t } = useTranslation('booking');
  return (
    <p role="alert" className={styles.fieldError} data-testid="booking-error">
      {t(code === 'NETWORK_ERROR' ? 'errors.network' : code === 'PUBLIC_BOOKING_LIMIT' ? 'errors.tooManyBookings' : 'errors.generic')}
    </p>
  );
}
