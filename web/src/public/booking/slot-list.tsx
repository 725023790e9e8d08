import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { FreeSlot } from '../../shared/api/use-availability.ts';
import { slotTime, zoneCity, zonedDate, type DayPeriod } from '../../shared/time/slot-time.ts';
import { dateValue } from './month.ts';
import styles from './booking-flow.module.css';

const PERIODS: DayPeriod[] = ['morning', 'afternoon', 'evening'];

/** The chosen day's free times as buttons, by morning / afternoon / evening, in the customer's zone. */
export function SlotList({
  slots,
  customerZone,
  onChoose,
  testId = 'available-slot',
}: {
  slots: FreeSlot[];
  customerZone: string;
  onChoose: (slot: FreeSlot) => void;
  /** The buttons' test id (the booking's main times keep the specification's `available-slot`). */
  testId?: string;
}) {
  const { t, i18n } = useTranslation('booking');
  const id = useId();
  const timed = slots.map((slot) => ({ slot, time: slotTime(slot.start_time, { customerZone, locationZone: slot.timezone, locale: i18n.language }) }));
  // A start on another calendar day in the customer's zone than at the location says which day.
  const otherDay = new Intl.DateTimeFormat(i18n.language, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  const differs = timed.some(({ time }) => time.location !== null);
  return (
    <div className={styles.slots}>
      {differs ? <p className={styles.hint}>{t('timesIn', { zone: zoneCity(customerZone) })}</p> : null}
      {PERIODS.map((period) => {
        const group = timed.filter(({ time }) => time.period === period);
        if (group.length === 0) return null;
        return (
          <section key={period} className={styles.period} aria-labelledby={`${id}-${period}`}>
            <h4 id={`${id}-${period}`} className={styles.periodTitle}>
              {t(`periods.${period}`)}
            </h4>
            <ul className={differs ? `${styles.slotGrid} ${styles.slotGridWide}` : styles.slotGrid}>
              {group.map(({ slot, time }) => (
                <li key={slot.start_time}>
                  <button type="button" className={styles.slot} data-testid={testId} data-start={slot.start_time} onClick={() => onChoose(slot)}>
                    <span className={styles.slotTime}>
                      {time.customer}
                      {time.customerDate !== zonedDate(new Date(slot.start_time), slot.timezone) ? <span className={styles.slotDay}> · {otherDay.format(dateValue(time.customerDate))}</span> : null}
                    </span>
                    {time.location ? <span className={styles.slotLocal}>{t('atLocation', { time: time.location, city: zoneCity(slot.timezone) })}</span> : null}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
