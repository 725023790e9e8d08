import { useDraggable } from '@dnd-kit/core';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import type { Booking } from '../desk/use-desk.ts';
import { clockLabel } from './calendar-time.ts';
import { PX_PER_MINUTE, type PlacedBooking } from './calendar-layout.ts';
import classes from './calendar.module.css';

export function customerName(booking: Booking): string {
  return [booking.customer.first_name, booking.customer.last_name].filter(Boolean).join(' ');
}

interface CardContentProps {
  booking: Booking;
  start: number;
  end: number;
  /** Narrow columns (the week view): the start time only. */
  compact: boolean;
}

/**
 * What a card says, tallest first: time and status dot, customer, service (each line only when it
 * fits). What does not fit stays for screen readers, so the card's name is its visible text and more.
 */
function CardContent({ booking, start, end, compact }: CardContentProps) {
  const { t, i18n } = useTranslation('admin');
  const minutes = end - start;
  return (
    <>
      <span className={classes.cardTop}>
        <span className={classes.cardTime}>
          {clockLabel(start, i18n.language)}
          {minutes >= 30 && !compact ? `–${clockLabel(end, i18n.language)}` : ''}
        </span>{' '}
        {minutes < 30 && <span className={classes.cardName}>{customerName(booking)}</span>}
        <span className={classes.dot} data-status={booking.status} title={t(`status.${booking.status}`)} aria-hidden="true" />
      </span>{' '}
      {minutes >= 30 && <span className={classes.cardName}>{customerName(booking)}</span>}{' '}
      <span className={minutes >= 45 ? classes.cardService : classes.srOnly}>{booking.service.name}</span>{' '}
      <span className={classes.srOnly}>{t(`status.${booking.status}`)}</span>
    </>
  );
}

export interface BookingCardProps {
  placed: PlacedBooking;
  gridStart: number;
  color: string | null;
  draggable: boolean;
  pending: boolean;
  compact: boolean;
  onOpen: (booking: Booking) => void;
}

/** A booking on its column, coloured by its service's category; drags when the role may move it. */
export function BookingCard({ placed, gridStart, color, draggable, pending, compact, onOpen }: BookingCardProps) {
  const { booking, start, end, lane, lanes } = placed;
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: booking.id, data: { placed }, disabled: !draggable });
  // The bottom edge is a second draggable: dnd-kit lets the innermost one take the pointer, so grabbing it resizes instead of moving.
  const resize = useDraggable({ id: `resize:${booking.id}`, data: { placed, resize: true }, disabled: !draggable });
  const width = 100 / lanes;
  const style: CSSProperties & Record<'--cat', string> = {
    top: (start - gridStart) * PX_PER_MINUTE,
    height: Math.max(20, (end - start) * PX_PER_MINUTE - 2),
    left: `calc(${lane * width}% + 3px)`,
    width: `calc(${width}% - 6px)`,
    '--cat': color ?? '#607d8b',
  };
  return (
    <button
      type="button"
      ref={setNodeRef}
      className={classes.card}
      style={style}
      {...listeners}
      {...attributes}
      // dnd-kit's role/description speak of a draggable; the card is first a button that opens the booking.
      role="button"
      aria-roledescription={undefined}
      aria-describedby={undefined}
      aria-pressed={undefined}
      onClick={() => onOpen(booking)}
      data-testid="calendar-booking"
      data-booking-id={booking.id}
      data-booking-number={booking.booking_number}
      data-status={booking.status}
      data-draggable={draggable}
      data-dragging={isDragging}
      data-resizing={resize.isDragging}
      data-pending={pending}
    >
      <CardContent booking={booking} start={start} end={end} compact={compact} />
      {draggable && (
        // Pointer only (aria-hidden): the keyboard changes the length in the booking's panel.
        <span ref={resize.setNodeRef} {...resize.listeners} className={classes.resizeHandle} aria-hidden="true" data-testid="calendar-resize-handle" />
      )}
    </button>
  );
}

/** The card under the pointer while dragging (rendered by dnd-kit's overlay, above every column). */
export function BookingCardOverlay({ placed, color, width, compact }: { placed: PlacedBooking; color: string | null; width: number; compact: boolean }) {
  const style: CSSProperties & Record<'--cat', string> = {
    height: Math.max(20, (placed.end - placed.start) * PX_PER_MINUTE - 2),
    width,
    '--cat': color ?? '#607d8b',
  };
  return (
    <div className={`${classes.card} ${classes.overlay}`} style={style} data-status={placed.booking.status}>
      <CardContent booking={placed.booking} start={placed.start} end={placed.end} compact={compact} />
    </div>
  );
}
