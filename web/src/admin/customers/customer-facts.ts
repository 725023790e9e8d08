/**
 * Pure facts about customers for the screen: names, what a search box text means (a booking
 * number, something the customer search accepts, or too short), and a customer's figures from
 * their bookings (no-shows, spend, last visit).
 */

/** The same alphabet as the server's booking numbers (Crockford base32 without look-alikes and U). */
const BOOKING_CODE = /^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{7}$/;
const SEPARATORS = /[\s\-\u2010-\u2015\u2212._]/g;

export function fullName(person: { first_name: string; last_name: string | null }): string {
  return [person.first_name, person.last_name].filter(Boolean).join(' ');
}

/**
 * The canonical booking number a text most likely is (`bk 7kq-m3x9` → `BK-7KQM3X9`), or null;
 * mirrors the server's `normalizeBookingNumber`, which the bookings list search applies.
 */
export function bookingNumberOf(text: string): string | null {
  const compact = text.normalize('NFKC').toUpperCase().replace(SEPARATORS, '');
  const code = compact.length === 9 && compact.startsWith('BK') ? compact.slice(2) : compact.length === 7 ? compact : null;
  return code !== null && BOOKING_CODE.test(code) ? `BK-${code}` : null;
}

/**
 * Whether the customer search can run on `text`: an email, a phone, or at least one word of three
 * or more letters (the server searches encrypted data by blind index, word starts only).
 */
export function customerSearchable(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.includes('@')) return trimmed.length >= 3;
  if (/^[+0][\d\s().-]{6,}$/.test(trimmed)) return true;
  return trimmed.split(/[^\p{L}\p{N}]+/u).some((word) => word.length >= 3);
}

export interface BookingFacts {
  id: string;
  status: string;
  start_time: string;
  pricing: { total_price: number; currency: string };
}

export interface CustomerFigures {
  bookings: number;
  noShows: number;
  /** Completed bookings' prices, per currency (one currency in practice). */
  spend: Array<{ amount: number; currency: string }>;
  /** Start of the latest completed booking, or null. */
  lastVisit: string | null;
  /** Start of the next confirmed booking from `now`, or null. */
  nextVisit: string | null;
}

export function customerFigures(bookings: readonly BookingFacts[], now: Date = new Date()): CustomerFigures {
  const spend = new Map<string, number>();
  let noShows = 0;
  let lastVisit: string | null = null;
  let nextVisit: string | null = null;
  for (const booking of bookings) {
    if (booking.status === 'no_show') noShows += 1;
    if (booking.status === 'completed') {
      spend.set(booking.pricing.currency, (spend.get(booking.pricing.currency) ?? 0) + booking.pricing.total_price);
      if (lastVisit === null || Date.parse(booking.start_time) > Date.parse(lastVisit)) lastVisit = booking.start_time;
    }
    const upcoming = (booking.status === 'confirmed' || booking.status === 'pending_payment') && Date.parse(booking.start_time) > now.getTime();
    if (upcoming && (nextVisit === null || Date.parse(booking.start_time) < Date.parse(nextVisit))) nextVisit = booking.start_time;
  }
  return { bookings: bookings.length, noShows, spend: [...spend].map(([currency, amount]) => ({ amount, currency })), lastVisit, nextVisit };
}

/** Newest first (the history's order). */
export function newestFirst<T extends { start_time: string }>(bookings: readonly T[]): T[] {
  return [...bookings].sort((a, b) => Date.parse(b.start_time) - Date.parse(a.start_time));
}

/** A file name for an export: `cliente-lucia-martin-2026-12-05.json`. */
export function exportFileName(prefix: string, name: string, date: Date = new Date()): string {
  const slug = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${prefix}-${slug || 'customer'}-${date.toISOString().slice(0, 10)}.json`;
}
