/**
 * The public funnel endpoint's own rate limit (tighter than the public API's) and the business
 * counters on /metrics: funnel steps and booking outcomes counted by bounded labels only, the
 * revenue of completed bookings per currency, never a tenant label.
 */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyticsMetrics, type AnalyticsMetrics } from '../../src/modules/analytics/analytics-metrics.ts';
import type { HttpServer } from '../../src/platform/http/server.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { makeTenant, type TestTenant } from '../support/module-server.ts';
import { startAnalyticsServer } from './fixtures.ts';

let db: TestDatabase;
let server: HttpServer;
let tenant: TestTenant;
/** The registry the analytics module registers its counters on, as the product's /metrics does. */
let registry: Registry;

async function counter(name: string, labels: Record<string, string>, from: Registry = registry): Promise<number> {
  const metric = (await from.getMetricsAsJSON()).find((entry) => entry.name === name);
  const value = metric?.values.find((entry) => Object.entries(labels).every(([key, wanted]) => entry.labels[key] === wanted));
  return Number(value?.value ?? 0);
}

const step = (name: string, ip = '198.51.100.7') =>
  server.inject({ method: 'POST', url: '/api/v1/analytics/funnel', remoteAddress: ip, headers: { 'x-tenant': tenant.slug }, payload: { step: name } });

beforeAll(async () => {
  db = await openTestDatabase();
  tenant = await makeTenant(db, { timezone: 'Europe/Madrid' });
  registry = new Registry();
  ({ server } = await startAnalyticsServer(db, { registry }));
}, 60_000);

afterAll(async () => {
  await server?.close();
  await db?.close();
});

describe('public funnel', () => {
  it('counts each accepted step once on /metrics, and stops one address after 60 a minute with RATE_LIMITED', async () => {
    const answers: number[] = [];
    for (let i = 0; i < 61; i += 1) answers.push((await step(i % 2 === 0 ? 'page_view' : 'slot_chosen')).statusCode);
    expect(answers.slice(0, 60).every((status) => status === 204)).toBe(true);
    expect(answers[60]).toBe(429);
    const refused = await step('page_view');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('RATE_LIMITED');
    expect(refused.headers['retry-after']).toBeDefined();
    // Only the accepted ones were counted: 30 page views and 30 chosen times.
    expect(await counter('funnel_steps_total', { step: 'page_view' })).toBe(30);
    expect(await counter('funnel_steps_total', { step: 'slot_chosen' })).toBe(30);
    // Another address is not held back by the first one's limit.
    expect((await step('details', '203.0.113.9')).statusCode).toBe(204);
    expect(await counter('funnel_steps_total', { step: 'details' })).toBe(1);
  });
});

describe('booking counters', () => {
  it('count outcomes and the revenue of completed bookings per currency, with no tenant label', async () => {
    const own = new Registry();
    const metrics: AnalyticsMetrics = createAnalyticsMetrics(own);
    const count = (name: string, labels: Record<string, string>) => counter(name, labels, own);
    const before = await count('booking_outcomes_total', { outcome: 'completed' });
    metrics.countEvent({ type: 'booking.created', data: { pricing: { total_price: 4500, currency: 'EUR' } } });
    metrics.countEvent({ type: 'booking.completed', data: { pricing: { total_price: 4500, currency: 'EUR' } } });
    metrics.countEvent({ type: 'booking.completed', data: { pricing: { total_price: 1999, currency: 'USD' } } });
    // Malformed pricing counts the outcome but no revenue; other event types count nothing.
    metrics.countEvent({ type: 'booking.completed', data: { pricing: { total_price: '12', currency: 'eur' } } });
    metrics.countEvent({ type: 'customer.created', data: {} });
    expect(await count('booking_outcomes_total', { outcome: 'completed' })).toBe(before + 3);
    expect(await count('booking_outcomes_total', { outcome: 'created' })).toBe(1);
    expect(await count('booking_revenue_minor_total', { currency: 'EUR' })).toBe(4500);
    expect(await count('booking_revenue_minor_total', { currency: 'USD' })).toBe(1999);
    const exposition = await own.metrics();
    expect(exposition).not.toMatch(/tenant/);
    expect(exposition).toContain('booking_outcomes_total{outcome="no_show"} 0');
  });
});
