import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAvailability } from '../../shared/api/use-availability.ts';
import type { BookingPageService } from '../../shared/api/use-booking-page.ts';
import { formatDuration, formatMoney } from '../../shared/format/format.ts';
import { slotTime } from '../../shared/time/slot-time.ts';
import { Skeleton } from '../../shared/ui/page-state.tsx';
import { SlotList } from './slot-list.tsx';
import { startsAfter, type VisitItem } from './visit.ts';
import styles from './booking-flow.module.css';
import visitStyles from './visit.module.css';

interface AddServiceProps {
  slug: string;
  /** The services not booked yet. */
  services: BookingPageService[];
  /** The visit's local date at the location, and when its last service ends. */
  date: string;
  after: string;
  customerZone: string;
  onAdd: (item: VisitItem) => void;
  onClose: () => void;
}

/**
 * Another service for the same person, the same day, from the moment the last one ends: the
 * nearest free starts first, so the first button is "right after" (RF5.8). Loaded on demand.
 */
export default function AddService({ slug, services, date, after, customerZone, onAdd, onClose }: AddServiceProps) {
  const { t, i18n } = useTranslation('booking');
  const language = i18n.language;
  const [chosen, setChosen] = useState<BookingPageService | null>(services.length === 1 ? (services[0] ?? null) : null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const availability = useAvailability(slug, chosen?.id ?? '', date, date, chosen !== null);
  const starts = chosen && availability.data ? startsAfter(availability.data.get(date) ?? [], after) : [];
  const afterTime = slotTime(after, { customerZone, locationZone: customerZone, locale: language }).customer;

  return (
    <section className={visitStyles.adding} aria-labelledby="add-service-title" data-testid="add-service">
      <h3 id="add-service-title" className={visitStyles.addingTitle} tabIndex={-1} ref={heading}>
        {t('visit.addService')}
      </h3>
      <p className={styles.hint}>{t('visit.addHint', { time: afterTime })}</p>
      <ul className={visitStyles.options}>
        {services.map((service) => (
          <li key={service.id}>
            <button
              type="button"
              className={visitStyles.option}
              aria-pressed={chosen?.id === service.id}
              onClick={() => setChosen(service)}
              data-testid="add-service-option"
              data-service-id={service.id}
            >
              <span className={visitStyles.optionName}>{service.name}</span>
              <span className={styles.hint}>
                {formatDuration(service.duration_minutes, language)} · {formatMoney(service.price, language)}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {chosen === null ? null : availability.isPending ? (
        <Skeleton lines={2} testId="extra-slots-loading" />
      ) : availability.isError ? (
        <p role="alert" className={styles.fieldError}>
          {t('errors.network')}{' '}
          <button type="button" className={styles.link} onClick={() => void availability.refetch()}>
            {t('retry')}
          </button>
        </p>
      ) : starts.length > 0 ? (
        <SlotList slots={starts} customerZone={customerZone} testId="extra-slot" onChoose={(slot) => onAdd({ service: chosen, slot })} />
      ) : (
        <p className={styles.hint} role="status" data-testid="no-extra-slots">
          {t('visit.noneAfter', { service: chosen.name, time: afterTime })}
        </p>
      )}
      <button type="button" className={styles.link} onClick={onClose} data-testid="add-service-cancel">
        {t('visit.cancelAdd')}
      </button>
    </section>
  );
}
