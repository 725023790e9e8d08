import { useTranslation } from 'react-i18next';
import type { BookingPageService } from '../api/use-booking-page.ts';
import { formatDuration, formatMoney } from '../format/format.ts';
import styles from './service-card.module.css';

/** One service: name, duration, price, deposit and a short description. */
export function ServiceCard({ service }: { service: BookingPageService }) {
  const { t, i18n } = useTranslation('catalog');
  const language = i18n.language;
  const deposit =
    service.deposit.type === 'percentage'
      ? t('deposit.percentage', { value: service.deposit.value })
      : service.deposit.type === 'fixed'
        ? t('deposit.fixed', { amount: formatMoney({ amount: service.deposit.value, currency: service.price.currency }, language) })
        : null;
  return (
    <article className={styles.card} data-testid="service-card" aria-labelledby={`service-${service.id}`}>
      <div className={styles.heading}>
        <h3 id={`service-${service.id}`} className={styles.name}>
          {service.name}
        </h3>
        <p className={styles.price} data-testid="service-price">
          {formatMoney(service.price, language)}
        </p>
      </div>
      <p className={styles.meta}>
        <span>{formatDuration(service.duration_minutes, language)}</span>
        {deposit ? <span className={styles.deposit}>{deposit}</span> : null}
      </p>
      {service.description ? <p className={styles.description}>{service.description}</p> : null}
    </article>
  );
}
