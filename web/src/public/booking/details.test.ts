import { describe, expect, it } from 'vitest';
import { bookingCustomer, EMPTY_DETAILS, normalizePhone, validateDetails } from './details.ts';
import { monthCells, shiftMonth, lastDayOf } from './month.ts';

describe('validateDetails', () => {
  it('names what is missing or wrong', () => {
    expect(validateDetails(EMPTY_DETAILS)).toEqual({ firstName: 'errors.firstNameRequired', email: 'errors.emailRequired' });
    expect(validateDetails({ ...EMPTY_DETAILS, firstName: 'Ana', email: 'ana@', phone: '600 000', notes: 'x'.repeat(1001) })).toEqual({
      email: 'errors.emailInvalid',
      phone: 'errors.phoneInvalid',
      notes: 'errors.notesTooLong',
    });
    expect(validateDetails({ ...EMPTY_DETAILS, firstName: 'Ana', email: 'ana@example.com', phone: '+34 600 00 00 00' })).toEqual({});
  });

  it('sends what POST /bookings accepts: trimmed names, E.164 phone, no empty optional fields', () => {
    expect(normalizePhone('0034 600-000-000')).toBe('+34600000000');
    expect(bookingCustomer({ firstName: ' Ana ', lastName: '', email: 'ana@example.com ', phone: '+34 600 000 000', notes: ' ' })).toEqual({
      customer: { first_name: 'Ana', email: 'ana@example.com', phone: '+34600000000' },
    });
  });
});

describe('month', () => {
  it('starts weeks on Monday and knows month lengths', () => {
    // 1 March 2026 is a Sunday: six empty cells before it.
    expect(monthCells('2026-03').slice(0, 7)).toEqual([null, null, null, null, null, null, '2026-03-01']);
    expect(lastDayOf('2028-02')).toBe('2028-02-29');
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
  });
});
