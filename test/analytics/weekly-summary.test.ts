/**
 * The weekly summary e-mail: who may ask for it (owners and managers, for themselves, in their own
 * business), when a week is due (Monday 07:00 in the business's zone, across DST changes), and what
 * the job sends (last week's figures, once per person and week, nothing to people who did not ask,
 * asked after the week was due, or may no longer read the figures).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsMessagesPort, AnalyticsModule } from '../../src/modules/analytics/index.ts';
import { dueWeek, sendDueSummaries } from '../../src/modules/analytics/weekly-summary.ts';
import { withPlatform } from '../../src/platform/db/tenant-context.ts';
import type { HttpServer } from '../../src/platform/http/server.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { makeTenant, testToken, type TestTenant } from '../support/module-server.ts';
import { startAnalyticsServer, seedMonth } from './fixtures.ts';

let db: TestDatabase;
let server: HttpServer;
let analytics: AnalyticsModule;
let tenant: TestTenant;
let other: TestTenant;
const people = { owner: randomUUID(), manager: randomUUID(), staff: randomUUID(), quiet: randomUUID(), late: randomUUID() };

type Queued = Parameters<AnalyticsMessagesPort['queueWeeklySummary']>[2] & { tenantId: string };
const queued: Queued[] = [];
const messages: AnalyticsMessagesPort = {
  async queueWeeklySummary(_trx, tenantId, message) {
    queued.push({ tenantId, ...message });
  },
};

async function member(userId: string, role: string, email: string) {
  await withPlatform(db.db, async (trx) => {
    await sql`insert into users (id, email, first_name) values (${userId}, ${email}, ${email.split('@')[0]})`.execute(trx);
    await sql`insert into memberships (tenant_id, user_id, role) values (${tenant.tenantId}, ${userId}, ${role})`.execute(trx);
  });
}

async function call(method: 'GET' | 'PUT', token: string, body?: unknown) {
  const response = await server.inject({ method, url: '/api/v1/analytics/weekly-summary', headers: { authorization: token }, ...(body === undefined ? {} : { payload: body as object }) });
  return { status: response.statusCode, body: JSON.parse(response.body) as { data?: { enabled: boolean }; error?: { code: string } } };
}

beforeAll(async () => {
  db = await openTestDatabase();
  tenant = await makeTenant(db, { timezone: 'Europe/Madrid' });
  other = await makeTenant(db, { timezone: 'Europe/Madrid' });
  await seedMonth(db, tenant);
  await member(people.owner, 'business_admin', 'owner@summary.test');
  await member(people.manager, 'manager', 'manager@summary.test');
  await member(people.staff, 'staff', 'staff@summary.test');
  await member(people.quiet, 'business_admin', 'quiet@summary.test');
  await member(people.late, 'manager', 'late@summary.test');
  const started = await startAnalyticsServer(db, { messages, publicUrl: 'https://app.example.com' });
  server = started.server;
  analytics = started.modules;
  await analytics.rebuild(null);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await db?.close();
});

describe('when a week is due', () => {
  it('from Monday 07:00 local, the Monday-to-Sunday week before, across the spring change', () => {
    // Summer time began on Sunday 29 March 2026 in Madrid: Monday 07:00 CEST is 05:00 UTC.
    expect(dueWeek(new Date('2026-03-30T04:59:00Z'), 'Europe/Madrid')).toEqual({ from: '2026-03-16', to: '2026-03-22', dueAt: new Date('2026-03-23T06:00:00Z') });
    expect(dueWeek(new Date('2026-03-30T05:00:00Z'), 'Europe/Madrid')).toEqual({ from: '2026-03-23', to: '2026-03-29', dueAt: new Date('2026-03-30T05:00:00Z') });
    // Any later day of the week still owes the same week.
    expect(dueWeek(new Date('2026-04-05T21:00:00Z'), 'Europe/Madrid').from).toBe('2026-03-23');
  });

  it('and across the autumn change, in another zone too', () => {
    // Winter time began on Sunday 25 October 2026: Monday 07:00 CET is 06:00 UTC.
    expect(dueWeek(new Date('2026-10-26T06:00:00Z'), 'Europe/Madrid')).toEqual({ from: '2026-10-19', to: '2026-10-25', dueAt: new Date('2026-10-26T06:00:00Z') });
    expect(dueWeek(new Date('2026-10-26T05:59:00Z'), 'Europe/Madrid').from).toBe('2026-10-12');
    // New York changed a week later (1 November): Monday 2 November 07:00 EST is 12:00 UTC.
    expect(dueWeek(new Date('2026-11-02T12:00:00Z'), 'America/New_York')).toEqual({ from: '2026-10-26', to: '2026-11-01', dueAt: new Date('2026-11-02T12:00:00Z') });
  });
});

describe('opting in', () => {
  it('owners and managers turn it on and off for themselves', async () => {
    const owner = testToken(tenant, 'business_admin', people.owner);
    expect((await call('GET', owner)).body.data).toEqual({ enabled: false });
    expect((await call('PUT', owner, { enabled: true })).body.data).toEqual({ enabled: true });
    expect((await call('GET', owner)).body.data).toEqual({ enabled: true });
    const manager = testToken(tenant, 'manager', people.manager);
    expect((await call('PUT', manager, { enabled: true })).status).toBe(200);
    // The quiet owner turns it on, then off again.
    const quiet = testToken(tenant, 'business_admin', people.quiet);
    await call('PUT', quiet, { enabled: true });
    expect((await call('PUT', quiet, { enabled: false })).body.data).toEqual({ enabled: false });
  });

  it('staff cannot ask for business figures, bad input is refused, and another business sees nothing', async () => {
    expect((await call('PUT', testToken(tenant, 'staff', people.staff), { enabled: true })).status).toBe(403);
    const bad = await call('PUT', testToken(tenant, 'business_admin', people.owner), { enabled: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe('VALIDATION_ERROR');
    // The same person id in another business: not subscribed there.
    expect((await call('GET', testToken(other, 'business_admin', people.owner))).body.data).toEqual({ enabled: false });
  });
});

describe('the job', () => {
  const now = new Date('2026-03-30T05:00:00Z');

  it('queues one e-mail per person who asked, with last week\u2019s figures, and a rerun queues nothing', async () => {
    // Someone whose membership was made staff after opting in, and someone who opted in after the week was due.
    await withPlatform(db.db, async (trx) => {
      await sql`insert into analytics_weekly_summary_subscriptions (tenant_id, user_id) values (${tenant.tenantId}, ${people.staff})`.execute(trx);
      await sql`insert into analytics_weekly_summary_subscriptions (tenant_id, user_id, created_at) values (${tenant.tenantId}, ${people.late}, ${new Date('2026-03-30T05:30:00Z')})`.execute(trx);
      // The API's rows were written today (2026 December), after the fixture's week: date them before it.
      await sql`update analytics_weekly_summary_subscriptions set created_at = '2026-03-01T00:00:00Z' where user_id in (${people.owner}, ${people.manager}, ${people.staff})`.execute(trx);
    });
    queued.length = 0;
    const sent = await sendDueSummaries({ db: db.db, reports: analytics.reports, messages, publicUrl: 'https://app.example.com', now });
    expect(sent).toBe(2);
    expect(queued.map((message) => message.to).sort()).toEqual(['manager@summary.test', 'owner@summary.test']);
    const [first] = queued;
    // From the fixture, by hand: 23–29 March (Madrid) holds b4 (29th 00:30, completed, €30.00) and
    // b5 (29th 04:00, confirmed); 16–22 March holds b14 (20th, completed, €30.00), b13 (21st 02:00,
    // completed, in USD: no euros) and the draft b10 (not a booking).
    expect(first?.summary).toMatchObject({
      from: '2026-03-23',
      to: '2026-03-29',
      currency: 'EUR',
      bookings: { current: 2, previous: 2 },
      completed: { current: 1, previous: 2 },
      serviceRevenue: { current: 3000, previous: 3000 },
      reportsUrl: 'https://app.example.com/admin/reports?from=2026-03-23&to=2026-03-29',
    });
    expect(first?.weekStart).toBe('2026-03-23');
    expect(first?.tenantId).toBe(tenant.tenantId);

    queued.length = 0;
    expect(await sendDueSummaries({ db: db.db, reports: analytics.reports, messages, publicUrl: 'https://app.example.com', now })).toBe(0);
    expect(queued).toEqual([]);
    // The person who asked late gets the next week.
    const next = await sendDueSummaries({ db: db.db, reports: analytics.reports, messages, publicUrl: 'https://app.example.com', now: new Date('2026-04-06T05:00:00Z') });
    expect(next).toBe(3);
    expect(queued.map((message) => message.to).sort()).toEqual(['late@summary.test', 'manager@summary.test', 'owner@summary.test']);
  });
});
