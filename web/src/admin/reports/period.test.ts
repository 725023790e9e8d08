import { describe, expect, it } from 'vitest';
import { presetRange, readView, todayIn, writeView } from './period.ts';

const TODAY = '2026-03-05';

describe('report periods', () => {
  it('presets end today; last month is the whole previous month (leap years and year ends included)', () => {
    expect(presetRange('last7', TODAY)).toEqual({ from: '2026-02-27', to: TODAY });
    expect(presetRange('last30', TODAY)).toEqual({ from: '2026-02-04', to: TODAY });
    expect(presetRange('last90', TODAY)).toEqual({ from: '2025-12-06', to: TODAY });
    expect(presetRange('this_month', TODAY)).toEqual({ from: '2026-03-01', to: TODAY });
    expect(presetRange('last_month', TODAY)).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('last_month', '2024-03-31')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(presetRange('last_month', '2026-01-10')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
  });

  it('reads back what it writes, filters included', () => {
    const view = { preset: 'custom' as const, from: '2026-01-10', to: '2026-02-03', locationId: null, serviceId: '0b8f3a52-6f0e-4a8e-9d1c-2f4b7a1e3c55', resourceId: null };
    const params = writeView(view);
    expect(params.toString()).toBe('period=custom&from=2026-01-10&to=2026-02-03&service=0b8f3a52-6f0e-4a8e-9d1c-2f4b7a1e3c55');
    expect(readView(params, TODAY)).toEqual(view);
    expect(writeView(readView(new URLSearchParams(''), TODAY)).toString()).toBe('');
  });

  it('falls back to the last 30 days on anything it cannot read', () => {
    for (const query of ['period=yesterday', 'period=custom&from=2026-02-30x&to=2026-03-01', 'period=custom&from=2026-03-02&to=2026-03-01', 'period=custom&from=2024-01-01&to=2026-03-01']) {
      expect(readView(new URLSearchParams(query), TODAY)).toMatchObject({ preset: 'last30', from: '2026-02-04', to: TODAY });
    }
    expect(readView(new URLSearchParams('staff=not-an-id'), TODAY).resourceId).toBeNull();
  });

  it("today is the location's date", () => {
    const lateInUtc = new Date('2026-03-05T23:30:00Z');
    expect(todayIn('Europe/Madrid', lateInUtc)).toBe('2026-03-06');
    expect(todayIn('America/New_York', lateInUtc)).toBe('2026-03-05');
  });
});
