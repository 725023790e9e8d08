import { useTranslation } from 'react-i18next';
import type { BookingPageService } from '../../shared/api/use-booking-page.ts';
import { formatMoney } from '../../shared/format/format.ts';
import { formatNotice, guestTerms, type Term } from './terms.ts';
import styles from './booking-flow.module.css';

/** The price, what is paid now, and the cancellation and refund terms — read before confirming. */
export function BookingTerms({ service, depositAmount }: { service: BookingPageService; depositAmount: number }) {
  const { t, i18n } = useTranslation('booking');
  const language = i18n.language;
  const money = (amount: number) => formatMoney({ amount, currency: service.price.currency }, language);
  const sentence = (term: Term) => {
    switch (term.kind) {
      case 'cancel_anytime':
        return t('terms.cancelAnytime');
      case 'cancel_until':
        return t('terms.cancelUntil', { notice: formatNotice(term.hours, language) });
      case 'refund_all':
        return t('terms.refundAll');
      case 'refund_tier':
        return term.hours === 0 ? t('terms.refundAlways', { percent: term.percent }) : t('terms.refundTier', { percent: term.percent, notice: formatNotice(term.hours, language) });
      case 'refund_none_after':
        return t('terms.refundNoneAfter', { notice: formatNotice(term.hours, language) });
      case 'refund_none':
        return t('terms.refundNone');
    }
  };
  return (
    <section className={styles.terms} aria-labelledby="booking-terms-title" data-testid="booking-terms">
      <h3 id="booking-terms-title" className={styles.termsTitle}>
        {t('terms.title')}
      </h3>
      <dl className={styles.termsMoney}>
        <div>
          <dt>{t('terms.total')}</dt>
          <dd data-testid="terms-total">{money(service.price.amount)}</dd>
        </div>
        {depositAmount > 0 ? (
          <div>
            <dt>{t('terms.dueNow')}</dt>
            <dd data-testid="terms-deposit">{money(depositAmount)}</dd>
          </div>
        ) : null}
      </dl>
      <ul className={styles.termsList}>
        {guestTerms(service.cancellation_policy, depositAmount > 0).map((term) => (
          <li key={`${term.kind}-${'hours' in term ? term.hours : ''}`}>{sentence(term)}</li>
        ))}
      </ul>
    </section>
  );
}
