import { useDroppable } from '@dnd-kit/core';
import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Booking } from '../desk/use-desk.ts';
import { BookingCard } from './booking-card.tsx';
import { PX_PER_MINUTE, type Column, type PlacedBooking } from './calendar-layout.ts';
import { clockLabel, complement, SNAP_MINUTES, type MinuteRange } from './calendar-time.ts';
import classes from './calendar.module.css';
import type { ColumnHours } from './working-hours.ts';

export interface CalendarColumnProps {
  column: Column;
  hours: ColumnHours;
  bounds: MinuteRange;
  placed: readonly PlacedBooking[];
  /** The current wall-clock minute when this column is today, else null. */
  nowMinute: number | null;
  /** Where a dragged booking would land in this column (start and length), else null. */
  ghost: { minute: number; duration: number } | null;
  firstOfDay: boolean;
  compact: boolean;
  colorOf: (booking: Booking) => string | null;
  canMove: (booking: Booking) => boolean;
  pendingIds: ReadonlySet<string>;
  /** Null when the role may not book: an empty time then does nothing. */
  onEmptyClick: ((column: Column, minute: number) => void) | null;
  onOpen: (booking: Booking) => void;
}

/** One resource on one day: time off shaded, the day's note (closure, exception), the bookings, the now line. */
export function CalendarColumn(props: CalendarColumnProps) {
  const { column, hours, bounds, placed, nowMinute, ghost, onEmptyClick } = props;
  const { t, i18n } = useTranslation('calendar');
  const { setNodeRef, isOver } = useDroppable({ id: column.key, data: { column } });
  const off = complement(hours.ranges, bounds.start, bounds.end);
  const offKind = hours.note && hours.note.kind !== 'custom_hours' ? hours.note.kind : 'off';

  const clickEmpty = (event: MouseEvent<HTMLDivElement>) => {
    if (!onEmptyClick || event.target !== event.currentTarget) return;
    const offset = event.clientY - event.currentTarget.getBoundingClientRect().top;
    const minute = bounds.start + Math.floor(offset / PX_PER_MINUTE / SNAP_MINUTES) * SNAP_MINUTES;
    onEmptyClick(column, Math.min(bounds.end - SNAP_MINUTES, Math.max(bounds.start, minute)));
  };

  return (
    <div
      ref={setNodeRef}
      className={classes.column}
      style={{ height: (bounds.end - bounds.start) * PX_PER_MINUTE, backgroundPositionY: `${-((bounds.start % 60) * PX_PER_MINUTE)}px` }}
      onClick={clickEmpty}
      data-testid="calendar-column"
      data-calendar-column={column.key}
      data-resource-id={column.resourceId}
      data-date={column.date}
      data-bookable={onEmptyClick !== null}
      data-drop-over={isOver}
      data-first-of-day={props.firstOfDay}
    >
      {off.map((range) => (
        <div
          key={range.start}
          className={classes.off}
          data-kind={offKind}
          data-testid="calendar-off"
          style={{ top: (range.start - bounds.start) * PX_PER_MINUTE, height: (range.end - range.start) * PX_PER_MINUTE }}
        />
      ))}
      {hours.note && (
        <div className={classes.note} data-testid="calendar-day-note" data-kind={hours.note.kind} title={hours.note.reason ?? undefined}>
          {t(`note.${hours.note.kind}`)}
          {hours.note.reason ? `: ${hours.note.reason}` : ''}
        </div>
      )}
      {placed.map((item) => (
        <BookingCard
          key={item.booking.id}
          placed={item}
          gridStart={bounds.start}
          color={props.colorOf(item.booking)}
          draggable={props.canMove(item.booking)}
          pending={props.pendingIds.has(item.booking.id)}
          compact={props.compact}
          onOpen={props.onOpen}
        />
      ))}
      {ghost && (
        <div
          className={classes.ghost}
          data-testid="calendar-drop-ghost"
          style={{ top: (ghost.minute - bounds.start) * PX_PER_MINUTE, height: Math.max(20, ghost.duration * PX_PER_MINUTE - 2) }}
        >
          {clockLabel(ghost.minute, i18n.language)}
        </div>
      )}
      {nowMinute !== null && nowMinute >= bounds.start && nowMinute <= bounds.end && (
        <div className={classes.nowLine} data-testid="calendar-now" style={{ top: (nowMinute - bounds.start) * PX_PER_MINUTE }} aria-hidden="true" />
      )}
    </div>
  );
}
