import type { KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { dateValue, monthCells } from './month.ts';
import styles from './booking-flow.module.css';

interface DatePickerProps {
  month: string;
  /** The first month that can be shown (the location's current month). */
  firstMonth: string;
  freeDates: ReadonlySet<string>;
  selected: string | null;
  loading: boolean;
  onSelect: (date: string) => void;
  /** When given, days from `fromDate` on without free times can be chosen too (to offer the waiting list). */
  onSelectFull?: (date: string) => void;
  fromDate?: string;
  onMonthChange: (by: number) => void;
}

const STEPS: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };

/** Arrow keys move between the free days (in the arrow's direction, skipping days without times). */
function moveFocus(event: KeyboardEvent<HTMLDivElement>): void {
  const step = STEPS[event.key];
  const current = (event.target as HTMLElement).closest<HTMLElement>('[data-date]');
  if (step === undefined || !current) return;
  const days = [...event.currentTarget.querySelectorAll<HTMLElement>('[data-date]')];
  const from = Date.parse(`${current.dataset.date}T00:00:00Z`);
  const candidates = days
    .map((day) => ({ day, offset: Math.round((Date.parse(`${day.dataset.date}T00:00:00Z`) - from) / 86_400_000) }))
    .filter(({ offset }) => (step > 0 ? offset >= step : offset <= step) && (Math.abs(step) === 7 ? offset % 7 === 0 : true))
    .sort((a, b) => Math.abs(a.offset) - Math.abs(b.offset));
  const next = candidates[0]?.day;
  if (next) {
    event.preventDefault();
    next.focus();
  }
}

/** A month grid: days with free times are bold buttons, the others muted (and choosable for the waiting list when asked). */
export function DatePicker({ month, firstMonth, freeDates, selected, loading, onSelect, onSelectFull, fromDate, onMonthChange }: DatePickerProps) {
  const { t, i18n } = useTranslation('booking');
  const language = i18n.language;
  const monthName = new Intl.DateTimeFormat(language, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(dateValue(`${month}-01`));
  const title = monthName.charAt(0).toLocaleUpperCase(language) + monthName.slice(1);
  const weekdays = Array.from({ length: 7 }, (_, index) =>
    new Intl.DateTimeFormat(language, { weekday: 'narrow', timeZone: 'UTC' }).format(dateValue(`2024-01-0${index + 1}`)),
  );
  const weekdayNames = Array.from({ length: 7 }, (_, index) =>
    new Intl.DateTimeFormat(language, { weekday: 'long', timeZone: 'UTC' }).format(dateValue(`2024-01-0${index + 1}`)),
  );
  const fullDate = new Intl.DateTimeFormat(language, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
  return (
    <div className={styles.calendar} data-testid="date-picker" aria-busy={loading}>
      <div className={styles.calendarHead}>
        <button type="button" className={`${styles.iconButton} previous-month`} onClick={() => onMonthChange(-1)} disabled={month <= firstMonth} aria-label={t('previousMonth')}>
          ‹
        </button>
        <h3 className={styles.monthTitle} aria-live="polite">
          {title}
        </h3>
        <button type="button" className={`${styles.iconButton} next-month`} onClick={() => onMonthChange(1)} aria-label={t('nextMonth')}>
          ›
        </button>
      </div>
      <div className={styles.grid} role="group" aria-label={title} onKeyDown={moveFocus}>
        {weekdays.map((day, index) => (
          <abbr key={index} className={styles.weekday} title={weekdayNames[index]}>
            {day}
          </abbr>
        ))}
        {monthCells(month).map((date, index) => {
          if (date === null) return <span key={`lead-${index}`} />;
          const day = Number(date.slice(8, 10));
          if (loading) return <span key={date} className={`${styles.day} ${styles.dayLoading}`} aria-hidden="true" />;
          if (!freeDates.has(date) && onSelectFull && fromDate !== undefined && date >= fromDate) {
            return (
              <button
                key={date}
                type="button"
                className={`${styles.day} ${styles.dayMuted} ${styles.dayFull}`}
                data-testid="date-day-full"
                aria-pressed={selected === date}
                aria-label={`${fullDate.format(dateValue(date))}, ${t('dayFull')}`}
                onClick={() => onSelectFull(date)}
              >
                {day}
              </button>
            );
          }
          if (!freeDates.has(date)) {
            return (
              <span key={date} className={`${styles.day} ${styles.dayMuted}`}>
                {day}
              </span>
            );
          }
          return (
            <button
              key={date}
              type="button"
              className={`${styles.day} ${styles.dayFree}`}
              data-testid="date-day"
              data-date={date}
              aria-pressed={selected === date}
              aria-label={fullDate.format(dateValue(date))}
              onClick={() => onSelect(date)}
            >
              {day}
            </button>
          );
        })}
      </div>
    </div>
  );
}
