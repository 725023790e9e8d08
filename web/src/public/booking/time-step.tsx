import { useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useAvailability, type FreeSlot } from '../../shared/api/use-availability.ts';
import { Skeleton } from '../../shared/ui/page-state.tsx';
import { DatePicker } from './date-picker.tsx';
import { dateValue, lastDayOf, shiftMonth } from './month.ts';
import { SlotList } from './slot-list.tsx';
import { WaitlistJoin } from './waitlist-join.tsx';
import styles from './booking-flow.module.css';

/** Where the customer is in the calendar; kept by the flow so going back never loses it. */
export interface CalendarState {
  month: string;
  /** The chosen day with free times. */
  date: string | null;
  /** A chosen day without free times: the next free day and the waiting list are offered. */
  fullDay: string | null;
}

interface TimeStepProps {
  slug: string;
  serviceId: string;
  /** The location's today (YYYY-MM-DD) and its month: nothing earlier is offered. */
  today: string;
  businessZone: string;
  customerZone: string;
  calendar: CalendarState;
  onCalendarChange: (next: CalendarState) => void;
  /** The time chosen before was taken meanwhile: say so above fresh times. */
  taken: boolean;
  onChoose: (slot: FreeSlot, date: string) => void;
}

/** A month calendar of the days with free times, then the chosen day's times — never a dead end. */
export function TimeStep({ slug, serviceId, today, businessZone, customerZone, calendar, onCalendarChange, taken, onChoose }: TimeStepProps) {
  const { t, i18n } = useTranslation('booking');
  const timesSection = useRef<HTMLElement>(null);
  const firstMonth = today.slice(0, 7);
  const { month, date, fullDay } = calendar;
  const from = month === firstMonth ? today : `${month}-01`;
  const availability = useAvailability(slug, serviceId, from, lastDayOf(month));
  const free = availability.data;
  const freeDates = useMemo(() => [...(free?.keys() ?? [])].sort(), [free]);
  const freeSet = useMemo(() => new Set(freeDates), [freeDates]);
  // After a taken time, the times shown wait for the fresh answer: the taken one is never offered again.
  const loadingMonth = availability.isPending || (availability.isFetching && (availability.isPlaceholderData || taken));

  // After a taken time, a day left without times moves on to the next free one.
  const shownDate = date && taken && !free?.get(date)?.length ? (freeDates.find((candidate) => candidate > date) ?? date) : date;
  const daySlots = shownDate ? (free?.get(shownDate) ?? []) : [];
  const nextFree = (after: string) => freeDates.find((candidate) => candidate > after);
  const dayLabel = (day: string) => new Intl.DateTimeFormat(i18n.language, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(dateValue(day));
  const shortDay = (day: string) => new Intl.DateTimeFormat(i18n.language, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(dateValue(day));
  const changeMonth = (by: number) => onCalendarChange({ month: shiftMonth(month, by), date: null, fullDay: null });
  const showTimes = () => {
    // One column on phones: the times are below the calendar, bring them into view.
    if (globalThis.matchMedia?.('(max-width: 1023px)').matches) requestAnimationFrame(() => timesSection.current?.scrollIntoView({ block: 'start' }));
  };

  return (
    <div className={styles.when}>
      <section aria-labelledby="choose-day" className={styles.panel}>
        <h2 id="choose-day" className={styles.stepTitle}>
          {t('chooseDay')}
        </h2>
        <DatePicker
          month={month}
          firstMonth={firstMonth}
          freeDates={freeSet}
          selected={fullDay ?? shownDate}
          loading={loadingMonth}
          fromDate={today}
          onSelectFull={(chosen) => {
            onCalendarChange({ month, date: null, fullDay: chosen });
            showTimes();
          }}
          onSelect={(chosen) => {
            onCalendarChange({ month, date: chosen, fullDay: null });
            showTimes();
          }}
          onMonthChange={changeMonth}
        />
        {!loadingMonth && availability.isSuccess && freeDates.length === 0 ? (
          <p className={styles.hint} data-testid="no-slots-month">
            {t('noSlotsMonth')}{' '}
            <button type="button" className={styles.link} onClick={() => changeMonth(1)}>
              {t('tryNextMonth')}
            </button>
          </p>
        ) : null}
        {availability.isError ? (
          <p role="alert" className={styles.fieldError}>
            {t('errors.network')}{' '}
            <button type="button" className={styles.link} onClick={() => void availability.refetch()}>
              {t('retry')}
            </button>
          </p>
        ) : null}
      </section>
      <section aria-labelledby="choose-time" className={styles.panel} aria-live="polite" ref={timesSection}>
        <h2 id="choose-time" className={styles.stepTitle}>
          {t('chooseTime')}
        </h2>
        {taken ? (
          <p role="alert" className={styles.notice} data-testid="slot-taken">
            {t('slotTaken')}
          </p>
        ) : null}
        {loadingMonth ? (
          <Skeleton lines={3} testId="slots-loading" />
        ) : fullDay ? (
          <div className={styles.fullDay} data-testid="no-slots-day">
            <p>{t('dayFullText', { day: dayLabel(fullDay) })}</p>
            {nextFree(fullDay) ? (
              <button
                type="button"
                className={styles.primary}
                data-testid="next-free-day"
                data-date={nextFree(fullDay)}
                onClick={() => onCalendarChange({ month, date: nextFree(fullDay) ?? null, fullDay: null })}
              >
                {t('nextFreeDayOn', { day: shortDay(nextFree(fullDay) ?? fullDay) })}
              </button>
            ) : (
              <button type="button" className={styles.secondary} onClick={() => changeMonth(1)}>
                {t('tryNextMonth')}
              </button>
            )}
            <WaitlistJoin key={fullDay} slug={slug} serviceId={serviceId} date={fullDay} zone={businessZone} dayLabel={dayLabel(fullDay)} />
          </div>
        ) : shownDate && daySlots.length > 0 ? (
          <SlotList slots={daySlots} customerZone={customerZone} onChoose={(slot) => onChoose(slot, shownDate)} />
        ) : shownDate && freeDates.length > 0 ? (
          <button type="button" className={styles.secondary} onClick={() => onCalendarChange({ month, date: nextFree(shownDate) ?? freeDates[0] ?? null, fullDay: null })}>
            {t('nextFreeDay')}
          </button>
        ) : (
          <p className={styles.hint}>{t('pickDayFirst')}</p>
        )}
      </section>
    </div>
  );
}
