import { useSearchParams } from 'react-router';

export type CalendarView = 'day' | 'week';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date the address may carry: YYYY-MM-DD that names a real day. */
function validDate(value: string | null): string | null {
  if (value === null || !DATE.test(value)) return null;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value ? value : null;
}

export interface CalendarAddress {
  /** The shown date; null follows today. */
  date: string | null;
  view: CalendarView;
  locationId: string | null;
  /** The booking whose panel is open. */
  bookingId: string | null;
}

/**
 * What the calendar shows lives in its address (`?date=2026-12-07&view=week&location=…&booking=…`),
 * so a link opens the same day and booking, a reload keeps it and the browser's back button works.
 * Unknown or malformed values fall back to today, the day view and the first location.
 */
export type AddressChange = Partial<CalendarAddress> | ((current: CalendarAddress) => Partial<CalendarAddress>);

export function useCalendarAddress(): [CalendarAddress, (change: AddressChange) => void] {
  const [params, setParams] = useSearchParams();
  const change = (asked: AddressChange) => {
    // A change may depend on what the address holds now: three quick presses of `n` are three days
    // even before the page has shown the first, so it starts from the browser's address, which each
    // change updates at once (the hook's params only after the next render).
    const current = new URLSearchParams(window.location.search);
    const next = typeof asked === 'function' ? asked(readAddress(current)) : asked;
    const put = (key: string, value: string | null | undefined) => {
      if (value === undefined) return;
      if (value === null) current.delete(key);
      else current.set(key, value);
    };
    put('date', next.date);
    put('view', next.view === undefined ? undefined : next.view === 'day' ? null : next.view);
    put('location', next.locationId);
    put('booking', next.bookingId);
    // Opening a booking is a step back can undo; moving through days replaces the entry.
    setParams(current, { replace: !next.bookingId });
  };
  return [readAddress(params), change];
}

function readAddress(params: URLSearchParams): CalendarAddress {
  return {
    date: validDate(params.get('date')),
    view: params.get('view') === 'week' ? 'week' : 'day',
    locationId: params.get('location') || null,
    bookingId: params.get('booking') || null,
  };
}
