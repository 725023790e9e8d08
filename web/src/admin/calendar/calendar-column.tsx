import { useDroppable } from '@dnd-kit/core';
import { useRef, useState, type MouseEvent, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Booking } from '../desk/use-desk.ts';
import { BookingCard } from './booking-card.tsx';
import { PX_PER_MINUTE, type Column, type PlacedBooking } from './calendar-layout.ts';
import { clockLabel, complement, SNAP_MINUTES, type MinuteRange } from './calendar-time.ts';
import classes from './calendar.module.css';
import type { PlacedBlock } from './time-block-layout.ts';
import type { TimeBlock } from './use-time-blocks.ts';
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
  /** The column's time blocks (breaks, meetings…), drawn shaded with their reason. */
  blocks: readonly PlacedBlock[];
  /** Dragging over empty time selects a range to block; null when the role may not block. */
  onSelectRange: ((column: Column, start: number, end: number) => void) | null;
  onBlockOpen: (block: TimeBlock) => void;
}

/** One resource on one day: time off shaded, the day's note (closure, exception), the bookings, the now line. */
export function CalendarColumn(props: CalendarColumnProps) {
  const { column, hours, bounds, placed, nowMinute, ghost, onEmptyClick } = props;
  const { t, i18n } = useTranslation('calendar');
  const { setNodeRef, isOver } = useDroppable({ id: column.key, data: { column } });
  const off = complement(hours.ranges, bounds.start, bounds.end);
  const offKind = hours.note && hours.note.kind !== 'custom_hours' ? hours.note.kind : 'off';

  const [selection, setSelection] = useState<{ anchor: number; current: number } | null>(null);
  // The click that ends a selection (it follows the pointerup) is not a click on empty time.
  const selected = useRef(false);
  const { onSelectRange } = props;

  /** The quarter hour under the pointer, inside the grid. */
  const minuteAt = (event: { clientY: number; currentTarget: HTMLElement }) => {
    const offset = event.clientY - event.currentTarget.getBoundingClientRect().top;
    const minute = bounds.start + Math.floor(offset / PX_PER_MINUTE / SNAP_MINUTES) * SNAP_MINUTES;
    return Math.min(bounds.end - SNAP_MINUTES, Math.max(bounds.start, minute));
  };
  const range = selection && { start: Math.min(selection.anchor, selection.current), end: Math.max(selection.anchor, selection.current) + SNAP_MINUTES };

  const clickEmpty = (event: MouseEvent<HTMLDivElement>) => {
    if (selected.current) {
      selected.current = false;
      return;
    }
    if (!onEmptyClick || event.target !== event.currentTarget) return;
    onEmptyClick(column, minuteAt(event));
  };
  const startSelection = (event: PointerEvent<HTMLDivElement>) => {
    if (!onSelectRange || event.pointerType !== 'mouse' || event.button !== 0 || event.target !== event.currentTarget) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    const minute = minuteAt(event);
    setSelection({ anchor: minute, current: minute });
  };
  const extendSelection = (event: PointerEvent<HTMLDivElement>) => {
    if (selection) setSelection({ ...selection, current: minuteAt(event) });
  };
  const endSelection = () => {
    if (!selection || !range) return;
    setSelection(null);
    // One quarter is a click (a new booking); more is a range to block.
    if (selection.anchor !== selection.current && onSelectRange) {
      selected.current = true;
      onSelectRange(column, range.start, range.end);
    }
  };

  return (
    <div
      ref={setNodeRef}
      className={classes.column}
      style={{ height: (bounds.end - bounds.start) * PX_PER_MINUTE, backgroundPositionY: `${-((bounds.start % 60) * PX_PER_MINUTE)}px` }}
      onClick={clickEmpty}
      onPointerDown={startSelection}
      onPointerMove={extendSelection}
      onPointerUp={endSelection}
      onPointerCancel={() => setSelection(null)}
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
      {props.blocks.map(({ block, start, end }) => {
        const words = `${t(`block.reason.${block.reason}`)} ${clockLabel(start, i18n.language)}–${clockLabel(end, i18n.language)}`;
        return (
          <button
            key={block.id}
            type="button"
            className={classes.block}
            style={{ top: (Math.max(start, bounds.start) - bounds.start) * PX_PER_MINUTE, height: Math.max(20, (Math.min(end, bounds.end) - Math.max(start, bounds.start)) * PX_PER_MINUTE - 2) }}
            onClick={() => props.onBlockOpen(block)}
            aria-label={block.note ? `${words}: ${block.note}` : words}
            data-testid="calendar-block"
            data-reason={block.reason}
          >
            {t(`block.reason.${block.reason}`)}
            {block.note && !props.compact ? ` · ${block.note}` : ''}
          </button>
        );
      })}
      {range && range.end - range.start > SNAP_MINUTES && (
        <div className={classes.ghost} data-testid="calendar-selection" style={{ top: (range.start - bounds.start) * PX_PER_MINUTE, height: (range.end - range.start) * PX_PER_MINUTE - 2 }}>
          {clockLabel(range.start, i18n.language)}–{clockLabel(range.end, i18n.language)}
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
