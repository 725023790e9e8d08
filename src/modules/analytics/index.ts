/**
 * Analytics: rollups of bookings and payments kept current by events (idempotent,
 * order-independent, rebuildable), business reports with exports, the public booking
 * funnel, platform KPIs with churn risk, and business metrics for Prometheus. Nothing
 * depends on it; it reads other modules through their `index.ts` and their events.
 */
import type { Registry } from 'prom-client';
import type { Db } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import type { EventSubscriber } from '../../platform/events/outbox.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import type { JobDefinition } from '../../platform/jobs/job-definition.ts';
import { createAnalyticsMetrics } from './analytics-metrics.ts';
import { registerAnalyticsRoutes } from './analytics.routes.ts';
import { createMrrSnapshotJob, scheduleMrrSnapshot } from './mrr-snapshot.job.ts';
import { PlatformKpisService } from './platform-kpis.service.ts';
import { ReportsService } from './reports.service.ts';
import { createRollupRefreshJob, rollupSubscriber } from './rollup-refresh.job.ts';
import { rebuildRollups } from './rollup.repository.ts';
import { createWeeklySummaryJob, registerWeeklySummaryRoutes, scheduleWeeklySummary, type AnalyticsMessagesPort } from './weekly-summary.ts';
import './analytics.tables.ts';

export interface AnalyticsModuleDeps {
  db: Db;
  /** The process's Prometheus registry; business counters are added to it. */
  registry?: Registry | undefined;
  now?: (() => Date) | undefined;
  /** Where the weekly summary e-mails go out (notifications implements it); none: no summaries are sent. */
  messages?: AnalyticsMessagesPort | undefined;
  /** The product's public address, for the reports link in the summary. */
  publicUrl?: string | undefined;
}

export type { AnalyticsMessagesPort, WeeklySummary } from './weekly-summary.ts';

export interface AnalyticsModule {
  reports: ReportsService;
  platform: PlatformKpisService;
  registerRoutes(api: ApiRouter): void;
  subscribers: EventSubscriber[];
  jobs: JobDefinition[];
  /** Rebuilds every rollup (or one tenant's) from the raw tables, in one transaction. */
  rebuild(tenantId?: string | null): Promise<{ dailyRows: number; hourlyRows: number; customerRows: number }>;
  /** Queues the daily MRR snapshot and the hourly weekly-summary run (the worker calls it at start; each run queues the next). */
  scheduleRecurringJobs(): Promise<void>;
}

export function createAnalyticsModule(deps: AnalyticsModuleDeps): AnalyticsModule {
  const metrics = deps.registry ? createAnalyticsMetrics(deps.registry) : null;
  const reports = new ReportsService({ db: deps.db });
  const platform = new PlatformKpisService({ db: deps.db, ...(deps.now ? { now: deps.now } : {}) });
  return {
    reports,
    platform,
    registerRoutes: (api) => {
      registerAnalyticsRoutes(api, { db: deps.db, reports, platform, metrics });
      registerWeeklySummaryRoutes(api, { db: deps.db });
    },
    subscribers: [rollupSubscriber(metrics)],
    jobs: [
      createRollupRefreshJob(),
      createMrrSnapshotJob(platform),
      createWeeklySummaryJob({ reports, messages: deps.messages ?? null, publicUrl: deps.publicUrl ?? '', ...(deps.now ? { now: deps.now } : {}) }),
    ],
    rebuild: (tenantId = null) => withPlatform(deps.db, (trx) => rebuildRollups(trx, tenantId)),
    scheduleRecurringJobs: async () => {
      await scheduleMrrSnapshot(deps.db);
      await scheduleWeeklySummary(deps.db);
    },
  };
}
