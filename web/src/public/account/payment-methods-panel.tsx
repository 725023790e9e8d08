import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMyPaymentMethods, useRemovePaymentMethod, type SavedPaymentMethod } from './api/use-account.ts';
import { LoadError, Skeleton } from '../../shared/ui/page-state.tsx';
import flow from '../booking/booking-flow.module.css';
import styles from './account.module.css';

/** My saved cards (brand, last four digits, expiry: nothing more is kept) and removing one. */
export function PaymentMethodsPanel({ slug }: { slug: string }) {
  const { t } = useTranslation('account');
  const methods = useMyPaymentMethods(slug);
  const remove = useRemovePaymentMethod(slug);
  const [confirming, setConfirming] = useState<string | null>(null);
  const label = (method: SavedPaymentMethod) =>
    [
      method.brand ? method.brand.charAt(0).toUpperCase() + method.brand.slice(1) : t('payments.card'),
      method.last4 ? `•••• ${method.last4}` : null,
      method.exp_month && method.exp_year ? t('payments.expires', { date: `${String(method.exp_month).padStart(2, '0')}/${method.exp_year}` }) : null,
    ]
      .filter(Boolean)
      .join(' · ');

  return (
    <section className={styles.panel} aria-labelledby="payments-title" data-testid="payment-methods">
      <h2 id="payments-title" className={styles.sectionTitle}>
        {t('payments.title')}
      </h2>
      <p className={styles.muted}>{t('payments.lead')}</p>
      {methods.isPending ? (
        <Skeleton lines={2} />
      ) : methods.isError ? (
        <LoadError error={methods.error} onRetry={() => void methods.refetch()} />
      ) : methods.data.length === 0 ? (
        <p className={styles.empty} data-testid="payment-methods-empty">
          {t('payments.empty')}
        </p>
      ) : (
        <ul className={styles.list}>
          {methods.data.map((method) => (
            <li key={method.id} className={styles.item} data-testid="payment-method">
              <p className={styles.itemTitle}>{label(method)}</p>
              {confirming === method.id ? (
                <div className={styles.row}>
                  <span>{t('payments.confirmRemove')}</span>
                  <button type="button" className={styles.danger} disabled={remove.isPending} onClick={() => remove.mutate(method.id, { onSuccess: () => setConfirming(null) })} data-testid="payment-method-remove-confirm">
                    {remove.isPending ? t('payments.removing') : t('payments.remove')}
                  </button>
                  <button type="button" className={flow.secondary} onClick={() => setConfirming(null)}>
                    {t('payments.keep')}
                  </button>
                </div>
              ) : (
                <button type="button" className={flow.link} onClick={() => setConfirming(method.id)} data-testid="payment-method-remove">
                  {t('payments.remove')}
                  <span className="visually-hidden"> · {label(method)}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {remove.isError ? (
        <p role="alert" className={flow.fieldError}>
          {t('errors.generic')}
        </p>
      ) : null}
    </section>
  );
}
