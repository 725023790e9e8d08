import { useTranslation } from 'react-i18next';
import type { BookingPageService } from '../api/use-booking-page.ts';
import { formatDuration, formatMoney } from '../format/format.ts';
import styles from './service-card.module.css';

/**
 * One service: name, duration, price, deposit and a short description. With `onChoose` the
 * whole card is one button (keyboard and screen readers get one control per service).
 */
export function ServiceCard({ service, onChoose }: { service: BookingPageService; onChoose?: (service: BookingPageService) => void }) {
  const { t, i18n } = useTranslation('catalog');
  const language = i18n.language;
  const deposit =
    service.deposit.type === 'percentage'
      ? t('deposit.percentage', { value: service.deposit.value })
      : service.deposit.type === 'fixed'
        ? t('deposit.fixed', { amount: formatMoney({ amount: service.deposit.value, currency: service.price.currency }, language) })
        : null;
  const content = (
    <>
      <span className={styles.heading}>
        <span id={`service-${service.id}`} className={styles.name}>
          {service.name}
        </span>
        <span className={styles.price} data-testid="service-price">
          {formatMoney(service.price, language)}
        </span>
      </span>
      <span className={styles.meta}>
        <span>{formatDuration(service.duration_minutes, language)}</span>
        {deposit ? <span className={styles.deposit}>{deposit}</span> : null}
      </span>
      {service.description ? <span className={styles.description}>{service.description}</span> : null}
    </>
  );
  if (onChoose) {
    return (
      <button type="button" className={`${styles.card} ${styles.choosable}`} data-testid="service-card" data-service-id={service.id} onClick={() => onChoose(service)}>
        {content}
      </button>
    );
  }
  return (
    <article className={styles.card} data-testid="service-card" aria-labelledby={`service-${service.id}`}>
      {content}
    </article>
  );
}
