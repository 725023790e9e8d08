import { DndContext, DragOverlay, MouseSensor, pointerWithin, TouchSensor, useSensor, useSensors, type DragEndEvent, type DragStartEvent } from '@dnd-kit/core';
import { Fragment, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Booking } from '../desk/use-desk.ts';
import { BookingCardOverlay } from './booking-card.tsx';
import { CalendarColumn } from './calendar-column.tsx';
import { PX_PER_MINUTE, type Column, type PlacedBooking, type Placement } from './calendar-layout.ts';
import { clockLabel, snap, type MinuteRange } from './calendar-time.ts';
import { RESIZE_STEP_MINUTES, resizedEnd } from './resize.ts';
import classes from './calendar.module.css';
import type { PlacedBlock } from './time-block-layout.ts';
import type { TimeBlock } from './use-time-blocks.ts';
import type { ColumnHours } from './working-hours.ts';

export interface GridResource {
  id: string;
  name: string;
  type: string;
}

export interface CalendarGridProps {
  view: 'day' | 'week';
  columns: readonly Column[];
  resources: ReadonlyMap<string, GridResource>;
  hours: ReadonlyMap<string, ColumnHours>;
  bounds: MinuteRange;
  placed: ReadonlyMap<string, PlacedBooking[]>;
  today: string;
  nowMinute: number;
  colorOf: (booking: Booking) => string | null;
  canMove: (booking: Booking) => boolean;
  pendingIds: ReadonlySet<string>;
  onMove: (booking: Booking, to: Placement) => void;
  /** The bottom edge dropped at `end` (minutes of the booking's day). */
  onResize: (booking: Booking, end: number) => void;
  onEmptyClick: ((column: Column, minute: number) => void) | null;
  onOpen: (booking: Booking) => void;
  blocks: ReadonlyMap<string, PlacedBlock[]>;
  /** A range dragged over empty time, to block; null when the role may not block. */
  onSelectRange: ((column: Column, start: number, end: number) => void) | null;
  onBlockOpen: (block: TimeBlock) => void;
  /** The minute to bring into view when the dates change: now on today, else the first working hour. */
  focusMinute: number;
}

interface Resize {
  placed: PlacedBooking;
  /** The column the booking is in: its top is the grid's first minute. */
  column: HTMLElement;
  /** From the card's bottom edge to the pointer when it was grabbed (so the edge does not jump to the pointer). */
  grabOffset: number;
}

interface Drag {
  placed: PlacedBooking;
  /** From the card's top to the pointer when it was grabbed. */
  grabY: number;
  width: number;
}

function pointOf(event: Event): { x: number; y: number } | null {
  if ('touches' in event) {
    const touch = (event as TouchEvent).touches[0] ?? (event as TouchEvent).changedTouches[0];
    return touch ? { x: touch.clientX, y: touch.clientY } : null;
  }
  if ('clientX' in event) return { x: (event as MouseEvent).clientX, y: (event as MouseEvent).clientY };
  return null;
}

/** The column's bookings with the one being resized at its previewed end. */
function withPreview(placed: PlacedBooking[], preview: { id: string; end: number } | null): PlacedBooking[] {
  if (!preview) return placed;
  return placed.map((item) => (item.booking.id === preview.id ? { ...item, end: preview.end } : item));
}

/**
 * The grid and its drag and drop (dnd-kit on our own grid). Where a booking lands is read from
 * what the person sees: the column under the pointer and the dragged card's top edge there,
 * snapped to 15 minutes, so scrolling while dragging cannot skew it. A card's bottom edge resizes
 * it: the pointer's minute on its column, snapped to 5 minutes, previewed on the card itself.
 */
export function CalendarGrid(props: CalendarGridProps) {
  const { columns, bounds, view } = props;
  const { t, i18n } = useTranslation('calendar');
  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 6 } }),
    // On a phone a long press picks a booking up, so that a swipe still scrolls the grid.
    useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 8 } }),
  );
  const [drag, setDrag] = useState<Drag | null>(null);
  const [target, setTarget] = useState<Placement | null>(null);
  const pointer = useRef<{ x: number; y: number } | null>(null);
  const dragRef = useRef<Drag | null>(null);
  const resizeRef = useRef<Resize | null>(null);
  const [resizeEnd, setResizeEnd] = useState<{ id: string; end: number } | null>(null);
  // The click that ends a drag (it follows the mouseup in the same task) is neither a click on empty time nor on the card.
  const suppressClick = useRef(false);
  const scroller = useRef<HTMLDivElement>(null);
  const firstDate = columns[0]?.date;

  // A new day or week opens at its working hours (or now), not at the grid's first row.
  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = Math.max(0, (props.focusMinute - bounds.start - 30) * PX_PER_MINUTE);
    // Only when the dates or the frame change, not on every refresh.
  }, [firstDate, view, bounds.start]);

  const targetAt = useCallback(
    (point: { x: number; y: number } | null): Placement | null => {
      const current = dragRef.current;
      if (!point || !current) return null;
      const element = document.elementsFromPoint(point.x, point.y).find((candidate): candidate is HTMLElement => candidate instanceof HTMLElement && candidate.dataset.calendarColumn !== undefined);
      const key = element?.dataset.calendarColumn;
      const column = columns.find((candidate) => candidate.key === key);
      if (!element || !column) return null;
      const top = point.y - current.grabY - element.getBoundingClientRect().top;
      const duration = current.placed.end - current.placed.start;
      const minute = Math.min(bounds.end - duration, Math.max(bounds.start, snap(bounds.start + top / PX_PER_MINUTE)));
      return { resourceId: column.resourceId, date: column.date, minute };
    },
    [columns, bounds],
  );

  /** Where the bottom edge would be: the pointer's minute on the booking's column, in 5-minute steps. */
  const endAt = useCallback(
    (point: { x: number; y: number } | null): number | null => {
      const current = resizeRef.current;
      if (!point || !current) return null;
      const minute = bounds.start + (point.y - current.grabOffset - current.column.getBoundingClientRect().top) / PX_PER_MINUTE;
      return resizedEnd(current.placed.start, snap(minute, RESIZE_STEP_MINUTES), bounds.end);
    },
    [bounds],
  );

  const resizing = resizeEnd !== null;
  useEffect(() => {
    if (!drag && !resizing) return undefined;
    const move = (event: Event) => {
      pointer.current = pointOf(event);
      const current = resizeRef.current;
      if (current) {
        const end = endAt(pointer.current);
        if (end !== null) setResizeEnd({ id: current.placed.booking.id, end });
        return;
      }
      setTarget(targetAt(pointer.current));
    };
    window.addEventListener('pointermove', move, { passive: true });
    window.addEventListener('touchmove', move, { passive: true });
    return () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('touchmove', move);
    };
  }, [drag, resizing, targetAt, endAt]);

  const onDragStart = (event: DragStartEvent) => {
    const placed = (event.active.data.current as { placed?: PlacedBooking } | undefined)?.placed;
    const start = pointOf(event.activatorEvent);
    // Measured here: dnd-kit's own rect of the active card is not there yet when the drag starts.
    const source = event.activatorEvent.target instanceof Element ? event.activatorEvent.target.closest('[data-booking-id]') : null;
    const rect = source?.getBoundingClientRect() ?? event.active.rect.current.initial;
    if (!placed || !start || !rect) return;
    const column = source?.closest('[data-calendar-column]');
    if ((event.active.data.current as { resize?: boolean } | undefined)?.resize) {
      if (!(column instanceof HTMLElement)) return;
      const edge = column.getBoundingClientRect().top + (placed.end - bounds.start) * PX_PER_MINUTE;
      resizeRef.current = { placed, column, grabOffset: start.y - edge };
      pointer.current = start;
      setResizeEnd({ id: placed.booking.id, end: placed.end });
      return;
    }
    const next = { placed, grabY: start.y - rect.top, width: rect.width };
    dragRef.current = next;
    pointer.current = start;
    setDrag(next);
  };
  const finish = () => {
    dragRef.current = null;
    resizeRef.current = null;
    setResizeEnd(null);
    suppressClick.current = true;
    window.setTimeout(() => {
      suppressClick.current = false;
    }, 0);
    setDrag(null);
    setTarget(null);
  };
  const onDragEnd = (_event: DragEndEvent) => {
    const resizing = resizeRef.current;
    if (resizing) {
      const end = endAt(pointer.current);
      finish();
      if (end !== null && end !== resizing.placed.end) props.onResize(resizing.placed.booking, end);
      return;
    }
    const current = dragRef.current;
    const to = targetAt(pointer.current);
    finish();
    if (!current || !to) return;
    const { placed } = current;
    if (to.resourceId === placed.booking.resource.id && to.minute === placed.start && `${to.resourceId}|${to.date}` === placed.column) return;
    props.onMove(placed.booking, to);
  };

  const emptyClick = props.onEmptyClick;
  const onEmptyClick = emptyClick
    ? (column: Column, minute: number) => {
        if (!suppressClick.current) emptyClick(column, minute);
      }
    : null;
  const onOpen = (booking: Booking) => {
    if (!suppressClick.current) props.onOpen(booking);
  };

  const dayFormat = new Intl.DateTimeFormat(i18n.language, { weekday: 'short', day: 'numeric', timeZone: 'UTC' });
  const hours: number[] = [];
  for (let minute = Math.ceil(bounds.start / 60) * 60; minute < bounds.end; minute += 60) hours.push(minute);
  const minWidth = view === 'day' ? 180 : 120;
  const template = `68px repeat(${columns.length}, minmax(${minWidth}px, 1fr))`;
  const height = (bounds.end - bounds.start) * PX_PER_MINUTE;
  const duration = drag ? drag.placed.end - drag.placed.start : 0;

  return (
    <DndContext sensors={sensors} collisionDetection={pointerWithin} onDragStart={onDragStart} onDragEnd={onDragEnd} onDragCancel={finish}>
      <div ref={scroller} className={classes.scroller} data-testid="calendar-grid" data-grid-start={bounds.start} data-grid-end={bounds.end} data-px-per-minute={PX_PER_MINUTE} aria-label={t('grid')} role="region" tabIndex={0}>
        <div className={classes.table} style={{ gridTemplateColumns: template }}>
          <div className={classes.corner} />
          {columns.map((column, index) => {
            const resource = props.resources.get(column.resourceId);
            const firstOfDay = index === 0 || columns[index - 1]?.date !== column.date;
            return (
              <div key={column.key} className={classes.head} data-first-of-day={view === 'week' && firstOfDay} data-testid="calendar-column-head" data-resource-id={column.resourceId}>
                {view === 'week' && (
                  <span className={classes.headDay} data-today={column.date === props.today}>
                    {firstOfDay ? dayFormat.format(new Date(`${column.date}T00:00:00Z`)) : '\u00a0'}
                  </span>
                )}
                <span className={classes.headName}>{resource?.name ?? ''}</span>
                {view === 'day' && <span className={classes.headType}>{t(`resourceType.${resource?.type ?? 'staff'}`, { defaultValue: '' })}</span>}
              </div>
            );
          })}
          <div className={classes.gutter} style={{ height, position: 'sticky' }} aria-hidden="true">
            {hours.map((minute) => (
              <span key={minute} className={classes.hourLabel} style={{ top: (minute - bounds.start) * PX_PER_MINUTE }}>
                {clockLabel(minute, i18n.language)}
              </span>
            ))}
          </div>
          {columns.map((column, index) => (
            <Fragment key={column.key}>
              <CalendarColumn
                column={column}
                hours={props.hours.get(column.key) ?? { ranges: [], note: null }}
                bounds={bounds}
                placed={withPreview(props.placed.get(column.key) ?? [], resizeEnd)}
                nowMinute={column.date === props.today ? props.nowMinute : null}
                ghost={target && drag && `${target.resourceId}|${target.date}` === column.key ? { minute: target.minute, duration } : null}
                compact={view === 'week'}
                firstOfDay={view === 'week' && (index === 0 || columns[index - 1]?.date !== column.date)}
                colorOf={props.colorOf}
                canMove={props.canMove}
                pendingIds={props.pendingIds}
                onEmptyClick={onEmptyClick}
                onOpen={onOpen}
                blocks={props.blocks.get(column.key) ?? []}
                onSelectRange={props.onSelectRange}
                onBlockOpen={props.onBlockOpen}
              />
            </Fragment>
          ))}
        </div>
      </div>
      <DragOverlay dropAnimation={null}>{drag ? <BookingCardOverlay placed={drag.placed} color={props.colorOf(drag.placed.booking)} width={drag.width} compact={view === 'week'} /> : null}</DragOverlay>
    </DndContext>
  );
}
