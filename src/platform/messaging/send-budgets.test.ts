import { describe, expect, it } from 'vitest';
import { waitBeforeNextSend, type SendBudget } from './send-budgets.ts';

const now = new Date('2026-03-01T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
const destination: SendBudget = { name: 'destination', subject: 'x', windowSeconds: 86_400, limit: 20, backoff: { free: 3, baseSeconds: 30 } };
const hourly: SendBudget = { name: 'ip', subject: 'x', windowSeconds: 3600, limit: 30 };

describe('waitBeforeNextSend', () => {
  it.each([
    // sends so far, seconds since the last one, expected wait
    [0, 0, 0],
    [1, 0, 0],
    [2, 0, 0],
    [3, 0, 30],
    [3, 29, 1],
    [3, 30, 0],
    [4, 0, 60],
    [5, 0, 120],
    [6, 10, 230],
    [9, 0, 30 * 2 ** 6],
  ])('after %i codes, %i s after the last: waits %i s', (sends, since, wait) => {
    expect(waitBeforeNextSend(destination, { windowStartedAt: ago(7200), sends, lastSentAt: ago(since) }, now)).toBe(wait);
  });

  it('waits for the end of the window once the limit is reached, and starts again after it', () => {
    const full = { windowStartedAt: ago(3000), sends: 30, lastSentAt: ago(10) };
    expect(waitBeforeNextSend(hourly, full, now)).toBe(600);
    expect(waitBeforeNextSend(hourly, { ...full, windowStartedAt: ago(3600) }, now)).toBe(0);
    expect(waitBeforeNextSend(destination, { windowStartedAt: ago(86_400), sends: 20, lastSentAt: ago(1) }, now)).toBe(0);
  });

  it('lets a first send go, and a limit of one wait for the end of the window', () => {
    expect(waitBeforeNextSend(hourly, undefined, now)).toBe(0);
    expect(waitBeforeNextSend({ ...hourly, limit: 1 }, { windowStartedAt: ago(1), sends: 1, lastSentAt: ago(1) }, now)).toBe(3599);
  });
});
