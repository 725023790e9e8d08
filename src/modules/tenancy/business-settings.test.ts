import { describe, expect, it } from 'vitest';
import { businessSettingsOf, businessSettingsSchema, contrastWithWhite } from './business-settings.ts';

describe('business settings: one schema for writes and reads', () => {
  it('validates what PATCH /businesses saves, every key the product reads, and keeps other keys', () => {
    const saved = businessSettingsSchema.parse({
      guest_verification: 'otp',
      sms_countries: ['ES', 'PT'],
      embed_origins: ['https://Shop.example:443', 'https://shop.example'],
      payment_hold_minutes: 20,
      waitlist_offer_minutes: 45,
      accent_color: '#1A73E8',
      own_key: { anything: true },
    });
    expect(saved).toMatchObject({ embed_origins: ['https://shop.example'], own_key: { anything: true } });
    for (const bad of [
      { guest_verification: 'sms' },
      { sms_countries: ['XX'] },
      { payment_hold_minutes: 0 },
      { payment_hold_minutes: 1441 },
      { payment_hold_minutes: '30' },
      { waitlist_offer_minutes: 7.5 },
      { accent_color: 'red' },
      { allowed_origins: ['https://a.example/path'] },
    ]) {
      expect(businessSettingsSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('takes only accent colours white text reaches 4.5:1 on, and still reads one saved before the check', () => {
    expect(contrastWithWhite('#1a73e8')).toBeGreaterThanOrEqual(4.5);
    expect(contrastWithWhite('#ffcc00')).toBeLessThan(4.5);
    expect(businessSettingsSchema.safeParse({ accent_color: '#0b7285' }).success).toBe(true);
    expect(businessSettingsSchema.safeParse({ accent_color: '#FFCC00' }).success).toBe(false);
    expect(businessSettingsSchema.safeParse({ accent_color: '#2f9e44' }).success).toBe(false);
    // The booking page darkens a colour like this one itself; the read keeps it rather than dropping the brand.
    expect(businessSettingsOf({ accent_color: '#ffcc00' }).accent_color).toBe('#ffcc00');
  });

  it('reads stored values key by key: a value the schema refuses reads as unset', () => {
    expect(businessSettingsOf(undefined)).toEqual(businessSettingsOf({}));
    const read = businessSettingsOf({
      guest_verification: 'sms',
      payment_hold_minutes: 2000,
      waitlist_offer_minutes: 10,
      accent_color: 'javascript:alert(1)',
      own_key: 1,
    });
    expect(read).toMatchObject({ guest_verification: undefined, payment_hold_minutes: undefined, waitlist_offer_minutes: 10, accent_color: undefined });
    expect('own_key' in read).toBe(false);
  });

  it('reads lists entry by entry, except return origins, which are all or nothing', () => {
    const read = businessSettingsOf({
      // Saved before origins were stored canonical, with one entry no browser can be.
      embed_origins: ['https://Shop.example:443', 'https://shop.example', 'https://*.example.com'],
      sms_countries: ['ES', 'XX'],
      allowed_origins: ['https://ok.example', 'not an origin'],
    });
    expect(read.embed_origins).toEqual(['https://shop.example']);
    expect(read.sms_countries).toEqual(['ES']);
    expect(read.allowed_origins).toBeUndefined();
    expect(businessSettingsOf({ sms_countries: 'ES', embed_origins: 'https://a.example' })).toMatchObject({ sms_countries: undefined, embed_origins: undefined });
  });
});
