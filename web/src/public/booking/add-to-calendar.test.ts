import { describe, expect, it } from 'vitest';
import { googleCalendarUrl, icsFor, visitEvent, type BookedForCalendar, type CalendarBooking } from './add-to-calendar.ts';

// 29 March 2026, 03:30 in Madrid is the first hour of summer time (UTC+2): 01:30 UTC.
const booking: CalendarBooking = {
  id: '5b0c4a4e-3d0e-4b7e-9d7e-1f0f3c2b1a00',
  number: 'BK-ABC1234',
  start: '2026-03-29T03:30:00+02:00',
  end: '2026-03-29T04:00:00+02:00',
  service: 'Corte, lavado; y peinado',
  business: 'Salón Demo',
  location: 'Calle Mayor 1, Madrid',
  manageUrl: 'https://book.example/manage/token-value',
};

describe('add to calendar', () => {
  it('writes the instants in UTC, so the DST change cannot move the appointment', () => {
    const ics = icsFor(booking, 'Manage', new Date('2026-03-01T10:00:00Z'));
    expect(ics).toContain('\r\nDTSTART:20260329T013000Z\r\n');
    expect(ics).toContain('\r\nDTEND:20260329T020000Z\r\n');
    expect(ics).toContain('\r\nDTSTAMP:20260301T100000Z\r\n');
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
  });

  it('escapes text values and folds long lines at 75 octets', () => {
    const ics = icsFor(booking, 'Manage');
    expect(ics).toContain('SUMMARY:Corte\\, lavado\\; y peinado · Salón Demo');
    expect(ics).toContain('LOCATION:Calle Mayor 1\\, Madrid');
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain('DESCRIPTION:BK-ABC1234\\nManage: https://book.example/manage/token-value');
    for (const line of ics.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
  });

  it('gives Google Calendar the same UTC range and text', () => {
    const url = new URL(googleCalendarUrl(booking, 'Gestionar'));
    expect(url.origin + url.pathname).toBe('https://calendar.google.com/calendar/render');
    expect(url.searchParams.get('action')).toBe('TEMPLATE');
    expect(url.searchParams.get('dates')).toBe('20260329T013000Z/20260329T020000Z');
    expect(url.searchParams.get('text')).toBe('Corte, lavado; y peinado · Salón Demo');
    expect(url.searchParams.get('details')).toBe('BK-ABC1234\nGestionar: https://book.example/manage/token-value');
    expect(url.searchParams.get('location')).toBe('Calle Mayor 1, Madrid');
  });

  it('makes one event of a visit: services back to back, or one service for a party, every number and link in it', () => {
    const booked = (number: string, service: string, start: string, end: string): BookedForCalendar => ({
      id: `id-${number}`,
      group_id: 'group-1',
      booking_number: number,
      start_time: start,
      end_time: end,
      service: { name: service },
      manage_url: `https://book.example/manage/${number}`,
    });
    const sequence = visitEvent(
      [booked('BK-A', 'Corte', '2026-03-29T10:00:00+02:00', '2026-03-29T10:30:00+02:00'), booked('BK-B', 'Coloración', '2026-03-29T10:30:00+02:00', '2026-03-29T12:00:00+02:00')],
      'Salón Demo',
      null,
    );
    const ics = icsFor(sequence, 'Gestionar').replace(/\r\n /g, '');
    expect(ics).toContain('\r\nUID:group-1@reservehub\r\n');
    expect(ics).toContain('\r\nDTSTART:20260329T080000Z\r\nDTEND:20260329T100000Z\r\n');
    expect(ics).toContain('SUMMARY:Corte + Coloración · Salón Demo');
    expect(ics).toContain('DESCRIPTION:BK-A · Gestionar: https://book.example/manage/BK-A\\nBK-B · Gestionar: https://book.example/manage/BK-B');
    expect(ics).not.toContain('\r\nURL:');

    const party = visitEvent(['BK-A', 'BK-B', 'BK-C'].map((number) => booked(number, 'Corte', '2026-03-29T10:00:00+02:00', '2026-03-29T10:30:00+02:00')), 'Salón Demo', null);
    expect(new URL(googleCalendarUrl(party, 'Manage')).searchParams.get('text')).toBe('Corte × 3 · Salón Demo');
    expect(new URL(googleCalendarUrl(party, 'Manage')).searchParams.get('dates')).toBe('20260329T080000Z/20260329T083000Z');
  });
});
