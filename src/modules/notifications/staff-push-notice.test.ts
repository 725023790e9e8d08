import { describe, expect, it } from 'vitest';
import { dashboardBookingUrl, staffNotice, type StaffNoticeFacts } from './staff-push-notice.ts';

const booking = '6f1c0a52-3d8e-4c1b-9a57-0e4f2b8d7c10';
const facts = (overrides: Partial<StaffNoticeFacts> = {}): StaffNoticeFacts => ({
  kind: 'created',
  bookingId: booking,
  serviceName: 'Corte de pelo',
  customerFirstName: 'Ana',
  startTime: new Date('2030-03-29T09:00:00Z'),
  timezone: 'Europe/Madrid',
  publicUrl: 'https://app.reservehub.test',
  ...overrides,
});

describe('a booking notice on a staff device', () => {
  it.each([
    ['en', 'created', 'New booking', 'Corte de pelo · Ana · Fri 29 Mar, 10:00'],
    ['en', 'cancelled', 'Booking cancelled', 'Corte de pelo · Ana · Fri 29 Mar, 10:00'],
    ['es', 'confirmed', 'Reserva confirmada', 'Corte de pelo · Ana · vie, 29 mar, 10:00'],
    ['es', 'rescheduled', 'Reserva cambiada', 'Corte de pelo · Ana · vie, 29 mar, 10:00'],
  ] as const)('%s %s: "%s", "%s"', (language, kind, title, body) => {
    expect(staffNotice(facts({ kind }), language)).toEqual({ title, body, url: `https://app.reservehub.test/admin/bookings?booking=${booking}`, tag: `booking:${booking}` });
  });

  it.each([
    // The location's clock, across its DST change (Madrid: 02:00 → 03:00 on 2030-03-31), not the server's.
    ['Europe/Madrid', '2030-03-30T23:30:00Z', 'Sun 31 Mar, 00:30'],
    ['Europe/Madrid', '2030-03-31T08:00:00Z', 'Sun 31 Mar, 10:00'],
    ['America/Mexico_City', '2030-03-31T16:00:00Z', 'Sun 31 Mar, 10:00'],
    ['Asia/Tokyo', '2030-03-31T16:00:00Z', 'Mon 1 Apr, 01:00'],
  ])('in %s, %s reads %s', (timezone, instant, local) => {
    expect(staffNotice(facts({ timezone, startTime: new Date(instant) }), 'en').body).toBe(`Corte de pelo · Ana · ${local}`);
  });

  it('leaves out what is unknown (an erased customer, a service without a name) rather than printing blanks', () => {
    expect(staffNotice(facts({ customerFirstName: null, serviceName: ' ' }), 'en').body).toBe('Fri 29 Mar, 10:00');
  });

  it('opens the booking in the dashboard under the public address, whatever path that address has', () => {
    expect(dashboardBookingUrl('https://salon.example.com/', booking)).toBe(`https://salon.example.com/admin/bookings?booking=${booking}`);
  });
});
