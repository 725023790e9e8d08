import { describe, expect, it } from 'vitest';
import { churnRisk } from './platform-figures.ts';

const steady = { bookingsLast30: 10, bookingsPrevious30: 10, pastDue: false, daysSinceAdminActivity: 0, featuresUsed: 8, featuresAvailable: 8, supportRequests30: 0 };

describe('churnRisk', () => {
  it('is 0 with nothing advised for a business that keeps its bookings, pays, signs in and uses everything', () => {
    const risk = churnRisk(steady);
    expect(risk.score).toBe(0);
    expect(risk.recommended_action).toBeNull();
  });

  it('weighs only the measured factors, advises on the one that adds most, and gives each factor its figures', () => {
    // usage 50 (×3500), payments 0 (×2500), admin 50 (×2000), features 75 (×1500); support not measured.
    const risk = churnRisk({ bookingsLast30: 5, bookingsPrevious30: 10, pastDue: false, daysSinceAdminActivity: 15, featuresUsed: 2, featuresAvailable: 8, supportRequests30: null });
    expect(risk.score).toBe(Math.round((50 * 3500 + 0 + 50 * 2000 + 75 * 1500) / (3500 + 2500 + 2000 + 1500)));
    expect(risk.factors.map((factor) => [factor.factor, factor.risk, factor.figures])).toEqual([
      ['usage_trend', 50, { last_30_days: 5, previous_30_days: 10 }],
      ['failed_payments', 0, { past_due: 0 }],
      ['admin_logins', 50, { days_since_admin_activity: 15 }],
      ['feature_adoption', 75, { features_used: 2, features_available: 8 }],
      ['support_load', null, { support_requests_30_days: null }],
    ]);
    expect(risk.recommended_action).toMatch(/^Bookings are falling/);
  });

  it('counts a business with no bookings in either month, no admin activity and a past-due subscription as the highest risk', () => {
    const risk = churnRisk({ ...steady, bookingsLast30: 0, bookingsPrevious30: 0, pastDue: true, daysSinceAdminActivity: null, featuresUsed: 0 });
    expect(risk.score).toBe(Math.round((100 * 3500 + 100 * 2500 + 100 * 2000 + 100 * 1500 + 0 * 500) / 10_000));
    expect(risk.factors.find((factor) => factor.factor === 'admin_logins')?.figures).toEqual({ days_since_admin_activity: null });
    expect(risk.recommended_action).toMatch(/^Bookings are falling/);
  });
});
