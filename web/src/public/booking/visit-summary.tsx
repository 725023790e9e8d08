import { lazy, Suspense, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BookingPageService } from '../../shared/api/use-booking-page.ts';
import { formatDuration, formatMoney } from '../../shared/format/format.ts';
import { slotTime, zoneCity } from '../../shared/time/slot-time.ts';
import { Skeleton } from '../../shared/ui/page-state.tsx';
import { dateValue } from './month.ts';
import { depositOf, partyLimit, visitEnd, type Visit, type VisitItem } from './visit.ts';
import styles from './booking-flow.module.css';
import visitStyles from './visit.module.css';

// Only a guest who adds a second service downloads the picker for it.
const AddService = lazy(() => import('./add-service.tsx'));

interface VisitSummaryProps {
  slug: string;
  /** The service being booked (shown alone until a time is chosen). */
  service: BookingPageService;
  services: BookingPageService[];
  visit: Visit;
  /** The chosen time's local date (YYYY-MM-DD at the location). */
  date: string | null;
  customerZone: string;
  /** Party size and more services can still be changed (the details step). */
  editable: boolean;
  onVisitChange: (visit: Visit) => void;
  onChangeService: () => void;
}

/** What is being booked: the service (and time), and — before the details are sent — more people or more services. */
export function VisitSummary({ slug, service, services, visit, date, customerZone, editable, onVisitChange, onChangeService }: VisitSummaryProps) {
  const { t, i18n } = useTranslation('booking');
  const language = i18n.language;
  const [adding, setAdding] = useState(false);
  const addButton = useRef<HTMLButtonElement>(null);
  const money = (amount: number) => formatMoney({ amount, currency: service.price.currency }, language);
  const first = visit.items[0];
  const limit = first && visit.items.length === 1 ? partyLimit(first.slot) : 1;
  const others = services.filter((candidate) => !visit.items.some((item) => item.service.id === candidate.id));
  const end = visitEnd(visit);
  const canAdd = editable && visit.party === 1 && others.length > 0 && date !== null && end !== null;

  const when = (item: VisitItem) => {
    const time = slotTime(item.slot.start_time, { customerZone, locationZone: item.slot.timezone, locale: language });
    const day = new Intl.DateTimeFormat(language, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(dateValue(time.customerDate));
    return `${day} · ${time.customer}${time.location ? ` (${t('atLocation', { time: time.location, city: zoneCity(item.slot.timezone) })})` : ''}`;
  };
  const setParty = (party: number) => onVisitChange({ ...visit, party: Math.max(1, Math.min(limit, party)) });

  return (
    <aside className={styles.chosen} aria-label={t('summary')} data-testid="chosen-service">
      {visit.items.length === 0 ? (
        <>
          <p className={styles.chosenName}>{service.name}</p>
          <p className={styles.hint}>
            {formatDuration(service.duration_minutes, language)} · {formatMoney(service.price, language)}
            {depositOf(service) > 0 ? ` · ${t('deposit', { amount: money(depositOf(service)) })}` : ''}
          </p>
        </>
      ) : (
        <ul className={visitStyles.items} data-testid="visit-items">
          {visit.items.map((item, index) => (
            <li key={item.service.id} className={visitStyles.item} data-testid="visit-item">
              <p className={styles.chosenName}>
                {item.service.name}
                {index === 0 && visit.party > 1 ? ` × ${visit.party}` : ''}
              </p>
              <p className={styles.hint}>
                {formatDuration(item.service.duration_minutes, language)} · {money(item.service.price.amount * (index === 0 ? visit.party : 1))}
              </p>
              <p className={styles.chosenWhen} data-testid={index === 0 ? 'chosen-time' : undefined}>
                {when(item)}
              </p>
              {index > 0 && editable ? (
                <button
                  type="button"
                  className={styles.link}
                  aria-label={t('visit.removeNamed', { service: item.service.name })}
                  onClick={() => {
                    onVisitChange({ ...visit, items: visit.items.slice(0, index) });
                    addButton.current?.focus();
                  }}
                  data-testid="remove-service"
                >
                  {t('visit.remove')}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}

      {editable && limit > 1 ? (
        <div className={visitStyles.party} role="group" aria-labelledby="party-label">
          <span id="party-label" className={visitStyles.partyLabel}>
            {t('visit.people')}
          </span>
          <button type="button" className={visitStyles.step} onClick={() => setParty(visit.party - 1)} disabled={visit.party <= 1} aria-label={t('visit.fewer')} data-testid="party-less">
            −
          </button>
          <output className={visitStyles.count} aria-live="polite" data-testid="party-size">
            {visit.party}
          </output>
          <button type="button" className={visitStyles.step} onClick={() => setParty(visit.party + 1)} disabled={visit.party >= limit} aria-label={t('visit.more')} data-testid="party-more">
            +
          </button>
          <p className={`${styles.hint} ${visitStyles.partyHint}`}>{t('visit.partyHint', { count: limit })}</p>
        </div>
      ) : null}

      {canAdd && !adding ? (
        <button type="button" ref={addButton} className={visitStyles.add} onClick={() => setAdding(true)} data-testid="add-another-service">
          + {t('visit.addService')}
        </button>
      ) : null}
      {canAdd && adding ? (
        <Suspense fallback={<Skeleton lines={2} testId="add-service-loading" />}>
          <AddService
            slug={slug}
            services={others}
            date={date}
            after={end}
            customerZone={customerZone}
            onAdd={(item) => {
              onVisitChange({ ...visit, items: [...visit.items, item] });
              setAdding(false);
              requestAnimationFrame(() => addButton.current?.focus());
            }}
            onClose={() => {
              setAdding(false);
              requestAnimationFrame(() => addButton.current?.focus());
            }}
          />
        </Suspense>
      ) : null}

      <button type="button" className={styles.link} onClick={onChangeService} data-testid="change-service">
        {t('changeService')}
      </button>
    </aside>
  );
}
