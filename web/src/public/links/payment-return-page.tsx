import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { PublicLayout } from '../public-layout.tsx';
import styles from './links.module.css';

/**
 * `/payments/return` — where the card provider sends a customer back after a payment step
 * (3-D Secure, a bank's page) when no page of the business was named. It knows only what the
 * provider says (`redirect_status`); the booking itself is confirmed by the provider's webhook
 * and told by email, so the page says that, and what to do when the payment failed.
 */
export function PaymentReturnPage() {
  const [search] = useSearchParams();
  const { t } = useTranslation('links');
  const status = search.get('redirect_status');
  const outcome = status === 'succeeded' ? 'paid' : status === 'processing' ? 'processing' : 'failed';
  useEffect(() => {
    document.title = t('payment.documentTitle');
  }, [t]);

  return (
    <PublicLayout>
      <div className={styles.card} data-testid="payment-return" data-outcome={outcome} role="status">
        <h1 className={styles.title}>{t(`payment.${outcome}.title`)}</h1>
        <p>{t(`payment.${outcome}.text`)}</p>
        <Link className={styles.primaryLink} to="/">
          {t('invalid.home')}
        </Link>
      </div>
    </PublicLayout>
  );
}
