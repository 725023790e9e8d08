/**
 * The weekly summary e-mail: owners and managers opt in for themselves; every Monday from 07:00 in
 * the business's own time zone each of them gets last week's key figures (Monday to Sunday, local)
 * against the week before, with a link to the reports page for that week. An hourly job sends
 * what is due; a row per person and week, written with the message in one transaction, makes a
 * rerun or a second worker a no-op.
 */
import { sql } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import type { Db, Executor, Trx } from '../../platform/db/database.ts';
import { withPlatform, withTenant } from '../../platform/db/tenant-context.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { forbidden } from '../../platform/http/errors.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import { defineJob, type JobDefinition } from '../../platform/jobs/job-definition.ts';
import { enqueueDeferred } from '../../platform/jobs/queue.ts';
import { figuresReaders } from '../identity/index.ts';
import { defaultBusiness } from '../tenancy/index.ts';
import type { ReportsService } from './reports.service.ts';

/** The figures of one week against the week before, as the e-mail shows them. */
export interface WeeklySummary {
  from: string;
  to: string;
  currency: string;
  bookings: { current: number; previous: number };
  completed: { current: number; previous: number };
  /** Basis points, or null with nothing to divide by. */
  cancellationRateBps: { current: number | null; previous: number | null };
  noShowRateBps: { current: number | null; previous: number | null };
  utilisationBps: { current: number | null; previous: number | null };
  /** Price of completed bookings, minor units of `currency`. */
  serviceRevenue: { current: number; previous: number };
  reportsUrl: string;
}

/** Analytics' e-mails, queued in the caller's transaction; notifications implements it. */
export interface AnalyticsMessagesPort {
  queueWeeklySummary(trx: Trx, tenantId: string, message: { userId: string; to: string; firstName: string | null; weekStart: string; summary: WeeklySummary }): Promise<void>;
}

/** The local hour on Monday from which last week's summary goes out. */
export const SUMMARY_HOUR = 7;

/**
 * The week whose summary is due at `now` in `timeZone`: the Monday-to-Sunday week before the latest
 * Monday 07:00 local that has passed, with that moment (the summary's due time).
 */
export function dueWeek(now: Date, timeZone: string): { from: string; to: string; dueAt: Date } {
  const local = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timeZone);
  let monday = local.toPlainDate().subtract({ days: local.dayOfWeek - 1 });
  let due = monday.toZonedDateTime({ timeZone, plainTime: Temporal.PlainTime.from({ hour: SUMMARY_HOUR }) });
  if (Temporal.ZonedDateTime.compare(local, due) < 0) {
    monday = monday.subtract({ days: 7 });
    due = monday.toZonedDateTime({ timeZone, plainTime: Temporal.PlainTime.from({ hour: SUMMARY_HOUR }) });
  }
  return { from: monday.subtract({ days: 7 }).toString(), to: monday.subtract({ days: 1 }).toString(), dueAt: new Date(due.epochMilliseconds) };
}

const settingSchema = z.object({ enabled: z.boolean() });

/** GET/PUT /analytics/weekly-summary: the signed-in owner's or manager's own choice. */
export function registerWeeklySummaryRoutes(api: ApiRouter, deps: { db: Db }): void {
  const tags = ['Analytics'];
  const access = { access: { permission: ['read', 'Report'] } } as const;
  const userOf = (request: { auth?: { userId: string | null } | null | undefined }): string => {
    const userId = request.auth?.userId;
    if (!userId) throw forbidden('Only a signed-in team member can receive the weekly summary');
    return userId;
  };
  api.get(
    '/analytics/weekly-summary',
    { schema: { tags, summary: 'Whether I receive the weekly summary e-mail', response: { 200: envelopeSchema(settingSchema) } }, config: access },
    async (request) => {
      const tenantId = requireTenant(request);
      const userId = userOf(request);
      const row = await withTenant(deps.db, tenantId, (trx) =>
        sql`select 1 from analytics_weekly_summary_subscriptions where tenant_id = ${tenantId} and user_id = ${userId}`.execute(trx),
      );
      return ok({ enabled: row.rows.length > 0 });
    },
  );
  api.put(
    '/analytics/weekly-summary',
    {
      schema: { tags, summary: "Receive (or stop) the weekly summary e-mail with last week's key figures", body: settingSchema, response: { 200: envelopeSchema(settingSchema) } },
      config: access,
    },
    async (request) => {
      const tenantId = requireTenant(request);
      const userId = userOf(request);
      await withTenant(deps.db, tenantId, async (trx) => {
        if (request.body.enabled) {
          await sql`insert into analytics_weekly_summary_subscriptions (tenant_id, user_id) values (${tenantId}, ${userId}) on conflict do nothing`.execute(trx);
        } else {
          await sql`delete from analytics_weekly_summary_subscriptions where tenant_id = ${tenantId} and user_id = ${userId}`.execute(trx);
        }
      });
      return ok({ enabled: request.body.enabled });
    },
  );
}

const payload = z.object({ hour: z.string() });
const summaryJob = { name: 'analytics.weekly-summary', version: 1, payload } as const;

/** Queues the next hourly run (one per hour: the dedupe key). */
export async function scheduleWeeklySummary(executor: Executor, now = new Date()): Promise<void> {
  const runAt = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 + 3_600_000);
  const hour = runAt.toISOString().slice(0, 13);
  await enqueueDeferred(executor, summaryJob, { hour }, { tenantId: null, runAt, dedupeKey: `weekly-summary:${hour}` });
}

/** Sends every summary that is due and not yet sent; returns how many it queued. */
export async function sendDueSummaries(deps: { db: Db; reports: ReportsService; messages: AnalyticsMessagesPort; publicUrl: string; now: Date }): Promise<number> {
  const subscriptions = await withPlatform(deps.db, (trx) =>
    sql<{ tenant_id: string; user_id: string; created_at: Date }>`
      select s.tenant_id, s.user_id, s.created_at from analytics_weekly_summary_subscriptions s
      join tenants t on t.id = s.tenant_id where t.status = 'active' order by s.tenant_id, s.user_id`.execute(trx),
  );
  const byTenant = new Map<string, Array<{ user_id: string; created_at: Date }>>();
  for (const row of subscriptions.rows) byTenant.set(row.tenant_id, [...(byTenant.get(row.tenant_id) ?? []), row]);
  let sent = 0;
  for (const [tenantId, subscribers] of byTenant) {
    const business = await withTenant(deps.db, tenantId, (trx) => defaultBusiness(trx, tenantId));
    if (!business) continue;
    const week = dueWeek(deps.now, business.timezone);
    // A week due before someone asked for the summary is not theirs to receive.
    const owed = subscribers.filter((subscriber) => subscriber.created_at.getTime() <= week.dueAt.getTime()).map((subscriber) => subscriber.user_id);
    if (owed.length === 0) continue;
    const readers = await withTenant(deps.db, tenantId, (trx) => figuresReaders(trx, tenantId, owed));
    if (readers.length === 0) continue;
    const overview = await deps.reports.overview(tenantId, { from: week.from, to: week.to });
    const money = (figures: typeof overview.current) => figures.revenue.find((row) => row.currency === business.currency)?.service_revenue ?? 0;
    const summary: WeeklySummary = {
      from: week.from,
      to: week.to,
      currency: business.currency,
      bookings: { current: overview.current.bookings.total, previous: overview.previous.bookings.total },
      completed: { current: overview.current.bookings.by_status.completed, previous: overview.previous.bookings.by_status.completed },
      cancellationRateBps: { current: overview.current.cancellation_rate_bps, previous: overview.previous.cancellation_rate_bps },
      noShowRateBps: { current: overview.current.no_show_rate_bps, previous: overview.previous.no_show_rate_bps },
      utilisationBps: { current: overview.current.utilisation.rate_bps, previous: overview.previous.utilisation.rate_bps },
      serviceRevenue: { current: money(overview.current), previous: money(overview.previous) },
      reportsUrl: `${deps.publicUrl}/admin/reports?from=${week.from}&to=${week.to}`,
    };
    for (const reader of readers) {
      await withTenant(deps.db, tenantId, async (trx) => {
        const claimed = await sql`
          insert into analytics_weekly_summary_sends (tenant_id, user_id, week_start) values (${tenantId}, ${reader.user_id}, ${week.from}::date)
          on conflict do nothing returning user_id`.execute(trx);
        if (claimed.rows.length === 0) return;
        await deps.messages.queueWeeklySummary(trx, tenantId, { userId: reader.user_id, to: reader.email, firstName: reader.first_name, weekStart: week.from, summary });
        sent += 1;
      });
    }
  }
  return sent;
}

/** The hourly run: queues the next one first (a failing run does not end the series), then sends what is due. */
export function createWeeklySummaryJob(deps: { reports: ReportsService; messages: AnalyticsMessagesPort | null; publicUrl: string; now?: () => Date }): JobDefinition<typeof payload> {
  return defineJob({
    ...summaryJob,
    async handle(_payload, context) {
      await scheduleWeeklySummary(context.db);
      if (!deps.messages) return { outcome: 'done', note: 'no messages port' };
      const sent = await sendDueSummaries({ db: context.db, reports: deps.reports, messages: deps.messages, publicUrl: deps.publicUrl, now: deps.now?.() ?? new Date() });
      return { outcome: 'done', note: `${sent} summaries` };
    },
  });
}
