import { useTranslation } from 'react-i18next';
import type { BookingPageService } from '../../shared/api/use-booking-page.ts';
import { formatMoney } from '../../shared/format/format.ts';
import { formatNotice, guestTerms, type Term } from './terms.ts';
import { depositOf, visitTotals, type Visit } from './visit.ts';
import styles from './booking-terms.module.css';

/** The price of each service and the total, what is paid now, and each service's cancellation and refund terms — read before confirming. */
export function BookingTerms({ visit }: { visit: Visit }) {
  const { t, i18n } = useTranslation('booking');
  const language = i18n.language;
  const { total, dueNow, currency } = visitTotals(visit);
  const money = (amount: number) => formatMoney({ amount, currency }, language);
  const items = visit.party > 1 ? visit.items.slice(0, 1) : visit.items;
  const several = items.length > 1 || visit.party > 1;
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
  const termsOf = (service: BookingPageService) => guestTerms(service.cancellation_policy, depositOf(service) > 0);
  // Services with the same terms share one list; different ones are named.
  const lists = new Map<string, { names: string[]; terms: Term[] }>();
  for (const { service } of items) {
    const terms = termsOf(service);
    const key = JSON.stringify(terms);
    const list = lists.get(key) ?? { names: [], terms };
    list.names.push(service.name);
    lists.set(key, list);
  }
  return (
    <section className={styles.terms} aria-labelledby="booking-terms-title" data-testid="booking-terms">
      <h3 id="booking-terms-title" className={styles.termsTitle}>
        {t('terms.title')}
      </h3>
      <dl className={styles.termsMoney}>
        {several
          ? items.map(({ service }) => (
              <div key={service.id}>
                <dt>{visit.party > 1 ? t('terms.perPeople', { service: service.name, count: visit.party }) : service.name}</dt>
                <dd>{money(service.price.amount * visit.party)}</dd>
              </div>
            ))
          : null}
        <div className={several ? styles.termsTotal : undefined}>
          <dt>{several ? t('terms.sum') : t('terms.total')}</dt>
          <dd data-testid="terms-total">{money(total)}</dd>
        </div>
        {dueNow > 0 ? (
          <div>
            <dt>{t('terms.dueNow')}</dt>
            <dd data-testid="terms-deposit">{money(dueNow)}</dd>
          </div>
        ) : null}
      </dl>
      {[...lists.values()].map(({ names, terms }) => (
        <div key={names.join()} className={styles.termsGroup}>
          {lists.size > 1 ? <p className={styles.termsFor}>{names.join(', ')}</p> : null}
          <ul className={styles.termsList}>
            {terms.map((term) => (
              <li key={`${term.kind}-${'hours' in term ? term.hours : ''}`}>{sentence(term)}</li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
