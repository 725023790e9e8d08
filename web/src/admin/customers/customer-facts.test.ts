import { describe, expect, it } from 'vitest';
import { bookingNumberOf, customerFigures, customerSearchable, exportFileName, newestFirst } from './customer-facts.ts';

const booking = (status: string, start: string, price = 2500) => ({ id: start, status, start_time: start, pricing: { total_price: price, currency: 'EUR' } });

describe('customer facts', () => {
  it('reads booking numbers as the server does', () => {
    expect(bookingNumberOf('bk 7kq-m3x9')).toBe('BK-7KQM3X9');
    expect(bookingNumberOf('7KQM3X9')).toBe('BK-7KQM3X9');
    expect(bookingNumberOf('BK-7KQM3X0')).toBeNull();
    expect(bookingNumberOf('Lucía')).toBeNull();
  });

  it('tells whether the customer search can run', () => {
    expect(customerSearchable('Lu')).toBe(false);
    expect(customerSearchable('Luc')).toBe(true);
    expect(customerSearchable('a b Mar')).toBe(true);
    expect(customerSearchable('lucia@example.com')).toBe(true);
    expect(customerSearchable('+34 600 111 222')).toBe(true);
  });

  it('counts no-shows, spend of completed bookings, the last and next visit', () => {
    const now = new Date('2026-06-10T12:00:00Z');
    const figures = customerFigures(
      [
        booking('completed', '2026-05-01T10:00:00Z', 2500),
        booking('completed', '2026-06-01T10:00:00Z', 3000),
        booking('no_show', '2026-06-05T10:00:00Z'),
        booking('cancelled', '2026-06-06T10:00:00Z'),
        booking('confirmed', '2026-06-20T10:00:00Z'),
        booking('confirmed', '2026-06-15T10:00:00Z'),
      ],
      now,
    );
    expect(figures).toEqual({
      bookings: 6,
      noShows: 1,
      spend: [{ amount: 5500, currency: 'EUR' }],
      lastVisit: '2026-06-01T10:00:00Z',
      nextVisit: '2026-06-15T10:00:00Z',
    });
    expect(customerFigures([], now)).toMatchObject({ bookings: 0, spend: [], lastVisit: null });
  });

  it('orders the history newest first and names export files', () => {
    expect(newestFirst([booking('x', '2026-01-01T00:00:00Z'), booking('y', '2026-02-01T00:00:00Z')]).map((b) => b.status)).toEqual(['y', 'x']);
    expect(exportFileName('cliente', 'Lucía Martín', new Date('2026-12-05T10:00:00Z'))).toBe('cliente-lucia-martin-2026-12-05.json');
  });
});
