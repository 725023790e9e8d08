import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAvailability, type FreeSlot } from '../../shared/api/use-availability.ts';
import { browserZone, slotTime, zonedDate } from '../../shared/time/slot-time.ts';
import { Skeleton } from '../../shared/ui/page-state.tsx';
import { DatePicker } from '../booking/date-picker.tsx';
import { dateValue, lastDayOf, monthOf, shiftMonth } from '../booking/month.ts';
import { SlotList } from '../booking/slot-list.tsx';
import styles from '../links/links.module.css';

interface ReschedulePickerProps {
  /** The business's booking-page name (X-Tenant for availability). */
  slug: string;
  serviceId: string;
  /** Who delivers the booking: the new time must be free for them. */
  resourceId: string;
  currentStart: string;
  locationZone: string;
  busy: boolean;
  /** Shown above the times when the last attempt failed (a time just taken, a policy limit). */
  problem: string | null;
  onPick: (slot: FreeSlot) => void;
  onClose: () => void;
  /** Words for another use of the same picker (booking the service again); the reschedule words by default. */
  copy?: PickerCopy;
}

/** Already translated texts; `confirmText` gets the chosen day and time ("Saturday, December 5, 10:30"). */
export interface PickerCopy {
  title: string;
  confirmText: (time: string) => string;
  confirm: string;
  working: string;
  keep: string;
}

/** The booking page's calendar and times, for moving an existing booking to another free time. */
export function ReschedulePicker({ slug, serviceId, resourceId, currentStart, locationZone, busy, problem, onPick, onClose, copy }: ReschedulePickerProps) {
  const { t, i18n } = useTranslation('links');
  const words: PickerCopy = copy ?? {
    title: t('reschedule.title'),
    confirmText: (time) => t('reschedule.confirmText', { time }),
    confirm: t('reschedule.confirm'),
    working: t('reschedule.moving'),
    keep: t('reschedule.keep'),
  };
  const customerZone = useMemo(browserZone, []);
  const today = useMemo(() => zonedDate(new Date(), locationZone), [locationZone]);
  const firstMonth = monthOf(today);
  const [month, setMonth] = useState(firstMonth);
  const [date, setDate] = useState<string | null>(null);
  const [chosen, setChosen] = useState<FreeSlot | null>(null);
  const availability = useAvailability(slug, serviceId, month === firstMonth ? today : `${month}-01`, lastDayOf(month));
  // Only the same person's (or room's) free times, and never the time the booking already has.
  const free = useMemo(() => {
    const own = new Map<string, FreeSlot[]>();
    for (const [day, slots] of availability.data ?? []) {
      const usable = slots.filter((slot) => slot.resource_ids.includes(resourceId) && Date.parse(slot.start_time) !== Date.parse(currentStart));
      if (usable.length > 0) own.set(day, usable);
    }
    return own;
  }, [availability.data, resourceId, currentStart]);
  const loading = availability.isPending || (availability.isPlaceholderData && availability.isFetching);
  const chosenTime = chosen ? slotTime(chosen.start_time, { customerZone, locationZone: chosen.timezone, locale: i18n.language }) : null;

  return (
    <section className={styles.picker} aria-labelledby="reschedule-title" data-testid="manage-reschedule-picker">
      <h2 id="reschedule-title" className={styles.subtitle}>
        {words.title}
      </h2>
      {problem ? (
        <p role="alert" className={styles.errorText} data-testid="reschedule-problem">
          {problem}
        </p>
      ) : null}
      {chosen && chosenTime ? (
        <>
          <p data-testid="reschedule-chosen">
            {words.confirmText(
              `${new Intl.DateTimeFormat(i18n.language, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(dateValue(chosenTime.customerDate))}, ${chosenTime.customer}`,
            )}
          </p>
          <div className={styles.actions}>
            <button type="button" className={styles.primary} disabled={busy} onClick={() => onPick(chosen)} data-testid="reschedule-confirm">
              {busy ? words.working : words.confirm}
            </button>
            <button type="button" className={styles.secondary} onClick={() => setChosen(null)}>
              {t('reschedule.otherTime')}
            </button>
          </div>
        </>
      ) : (
        <>
          <DatePicker
            month={month}
            firstMonth={firstMonth}
            freeDates={new Set(free.keys())}
            selected={date}
            loading={loading}
            onSelect={setDate}
            onMonthChange={(by) => {
              setMonth((current) => shiftMonth(current, by));
              setDate(null);
            }}
          />
          {loading ? <Skeleton lines={2} /> : date && free.get(date) ? <SlotList slots={free.get(date) ?? []} customerZone={customerZone} onChoose={setChosen} /> : null}
          <button type="button" className={styles.secondary} onClick={onClose}>
            {words.keep}
          </button>
        </>
      )}
    </section>
  );
}
