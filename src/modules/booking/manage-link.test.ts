import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deriveLinkKey, manageUrl, signManageToken, verifyManageToken } from './manage-link.ts';
import { paymentHoldMinutes } from './booking-create.service.ts';

const key = deriveLinkKey(Buffer.from('test master secret'));
const otherKey = deriveLinkKey(Buffer.from('another deployment'));

describe('manage links', () => {
  it('round-trips tenant and booking ids through a URL-safe 64-character token', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), (tenantId, bookingId) => {
        const token = signManageToken(key, tenantId, bookingId);
        expect(token).toMatch(/^[A-Za-z0-9_-]{64}$/);
        expect(verifyManageToken(key, token)).toEqual({ tenantId, bookingId });
      }),
    );
  });

  it('refuses a token signed with another key, any flipped character, and junk', () => {
    const token = signManageToken(key, '6f1c2f0e-1d2b-4c3a-9a8b-7c6d5e4f3a2b', '0b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b');
    expect(verifyManageToken(otherKey, token)).toBeNull();
    for (let index = 0; index < token.length; index += 1) {
      const flipped = token.slice(0, index) + (token[index] === 'A' ? 'B' : 'A') + token.slice(index + 1);
      expect(verifyManageToken(key, flipped), `position ${index}`).toBeNull();
    }
    for (const junk of ['', 'abc', '../../etc/passwd', token + 'A', token.slice(1)]) expect(verifyManageToken(key, junk)).toBeNull();
  });

  it('builds the customer-facing URL under PUBLIC_URL', () => {
    expect(manageUrl('https://book.example.com/', 'tok')).toBe('https://book.example.com/manage/tok');
  });
});

describe('payment hold', () => {
  it.each([
    [undefined, 15],
    [{}, 15],
    [{ payment_hold_minutes: 30 }, 30],
    [{ payment_hold_minutes: 0 }, 15],
    [{ payment_hold_minutes: 2000 }, 15],
    [{ payment_hold_minutes: 7.5 }, 15],
    [{ payment_hold_minutes: '30' }, 15],
  ])('settings %j hold the slot %i minutes', (settings, minutes) => {
    expect(paymentHoldMinutes(settings)).toBe(minutes);
  });
});
