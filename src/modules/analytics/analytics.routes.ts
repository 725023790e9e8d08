import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { withTenant } from '../../platform/db/tenant-context.ts';
import type { Db } from '../../platform/db/database.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import { defaultBusiness, getBusiness } from '../tenancy/index.ts';
import type { AnalyticsMetrics } from './analytics-metrics.ts';
import {
  cohortSchema,
  customersReportSchema,
  dailyRowSchema,
  exportParamsSchema,
  exportQuerySchema,
  funnelEventSchema,
  funnelReportSchema,
  heatmapCellSchema,
  overviewSchema,
  ownExportParamsSchema,
  reportQuerySchema,
  serviceRowSchema,
  staffRowSchema,
  type ReportName,
  type ReportQuery,
} from './analytics.schemas.ts';
import { countFunnelStep } from './funnel.ts';
import { platformHealthSchema, platformKpisSchema, platformQuerySchema } from './platform.schemas.ts';
import type { PlatformKpisService } from './platform-kpis.service.ts';
import { comparisonTable, rowsTable, toCsv, toXlsx, type ReportTable } from './report-export.ts';
import type { ReportsService, Viewer } from './reports.service.ts';

const tags = ['Analytics'];
const readReports = { access: { permission: ['read', 'Report'] } } as const;
const platformOnly = { access: { permission: ['manage', 'Platform'] } } as const;
/** Funnel steps per visitor address and minute: a page reports a handful per booking. */
const FUNNEL_RATE_PER_MINUTE = 60;

export interface AnalyticsRouteDeps {
  db: Db;
  reports: ReportsService;
  platform: PlatformKpisService;
  metrics: AnalyticsMetrics | null;
}

/** Staff see their own figures: the resources linked to their user. Other credentials have none. */
function ownResources(request: FastifyRequest): string[] {
  const auth = request.auth;
  const ids = auth?.attributes.resourceIds;
  if (!auth || auth.actor.type !== 'user' || !Array.isArray(ids)) throw forbidden('Only team members have figures of their own');
  return ids.filter((id): id is string => typeof id === 'string');
}

/** A report as the table its export writes. */
async function reportTable(reports: ReportsService, tenantId: string, report: ReportName, query: ReportQuery, viewer: Viewer): Promise<ReportTable> {
  switch (report) {
    case 'overview': {
      const overview = await reports.overview(tenantId, query, viewer);
      return comparisonTable(report, overview.current, overview.previous);
    }
    case 'customers': {
      const customers = await reports.customers(tenantId, query, viewer);
      return comparisonTable(report, customers.current, customers.previous);
    }
    case 'funnel': {
      const funnel = await reports.funnel(tenantId, query, viewer);
      return comparisonTable(report, funnel.current, funnel.previous);
    }
    case 'daily':
      return rowsTable(report, await reports.daily(tenantId, query, viewer));
    case 'services':
      return rowsTable(report, await reports.services(tenantId, query, viewer));
    case 'staff':
      return rowsTable(report, await reports.staff(tenantId, query, viewer));
    case 'cohorts':
      return rowsTable(report, await reports.cohorts(tenantId, query, viewer));
    case 'heatmap':
      return rowsTable(report, await reports.heatmap(tenantId, query, viewer));
  }
}

/** Sends a report table as a CSV or XLSX attachment named after the report and period. */
async function sendTable(reply: FastifyReply, table: ReportTable, format: 'csv' | 'xlsx', period: { from: string; to: string }) {
  const name = `${table.name}-${period.from}-${period.to}`;
  reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="${name}.${format}"`);
  if (format === 'xlsx') {
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await toXlsx(table));
  }
  return reply.type('text/csv; charset=utf-8').send(toCsv(table));
}

export function registerAnalyticsRoutes(api: ApiRouter, deps: AnalyticsRouteDeps): void {
  const { reports, platform } = deps;
  const reportRoute = (path: string, summary: string, data: z.ZodType, run: (tenantId: string, query: ReportQuery) => Promise<unknown>) =>
    api.get(
      path,
      { schema: { tags, summary, querystring: reportQuerySchema, response: { 200: envelopeSchema(data) } }, config: readReports },
      async (request) => ok(await run(requireTenant(request), request.query)),
    );

  reportRoute('/analytics/reports/overview', 'Bookings, money, rates and utilisation of a period against the previous one', overviewSchema, (t, q) =>
    reports.overview(t, q),
  );
  reportRoute('/analytics/reports/daily', 'Figures per local day of the period (trend)', z.array(dailyRowSchema), (t, q) => reports.daily(t, q));
  reportRoute('/analytics/reports/services', 'Services by revenue, with profitability from their cost', z.array(serviceRowSchema), (t, q) =>
    reports.services(t, q),
  );
  reportRoute('/analytics/reports/staff', 'Per resource: revenue, utilisation, rebooking, actual against planned time', z.array(staffRowSchema), (t, q) =>
    reports.staff(t, q),
  );
  reportRoute('/analytics/reports/customers', 'New and returning customers, retention with the same professional', customersReportSchema, (t, q) =>
    reports.customers(t, q),
  );
  reportRoute('/analytics/reports/cohorts', 'Retention cohorts by month of first visit', z.array(cohortSchema), (t, q) => reports.cohorts(t, q));
  reportRoute('/analytics/reports/funnel', 'The public booking funnel, step by step', funnelReportSchema, (t, q) => reports.funnel(t, q));
  reportRoute(
    '/analytics/reports/heatmap',
    "Utilisation by local weekday and hour: booked against working minutes, in each location's zone",
    z.array(heatmapCellSchema),
    (t, q) => reports.heatmap(t, q),
  );

  api.get(
    '/analytics/reports/:report/export',
    {
      schema: { tags, summary: 'A report table as CSV or XLSX', params: exportParamsSchema, querystring: exportQuerySchema },
      config: { access: { permission: ['export', 'Report'] } },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const table = await reportTable(reports, requireTenant(request), request.params.report, query, {});
      return sendTable(reply, table, format, query);
    },
  );

  // A staff member's own figures: the same reports, limited to the resources linked to them.
  const ownRoute = (path: string, summary: string, data: z.ZodType, run: (tenantId: string, query: ReportQuery, viewer: Viewer) => Promise<unknown>) =>
    api.get(
      path,
      { schema: { tags, summary, querystring: reportQuerySchema, response: { 200: envelopeSchema(data) } }, config: { access: { authenticated: true } } },
      async (request) => ok(await run(requireTenant(request), request.query, { resourceIds: ownResources(request) })),
    );
  ownRoute('/analytics/me/overview', "The caller's own figures (the resources linked to them)", overviewSchema, (t, q, v) => reports.overview(t, q, v));
  ownRoute('/analytics/me/staff', "The caller's own performance per resource", z.array(staffRowSchema), (t, q, v) => reports.staff(t, q, v));
  ownRoute('/analytics/me/daily', "The caller's own figures per local day", z.array(dailyRowSchema), (t, q, v) => reports.daily(t, q, v));
  ownRoute('/analytics/me/services', "The caller's own bookings and revenue per service", z.array(serviceRowSchema), (t, q, v) => reports.services(t, q, v));
  ownRoute('/analytics/me/heatmap', "The caller's own utilisation by local weekday and hour", z.array(heatmapCellSchema), (t, q, v) => reports.heatmap(t, q, v));
  api.get(
    '/analytics/me/:report/export',
    {
      schema: { tags, summary: "One of the caller's own report tables as CSV or XLSX", params: ownExportParamsSchema, querystring: exportQuerySchema },
      config: { access: { authenticated: true } },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const table = await reportTable(reports, requireTenant(request), request.params.report, query, { resourceIds: ownResources(request) });
      return sendTable(reply, table, format, query);
    },
  );

  api.post(
    '/analytics/funnel',
    {
      schema: { tags, summary: 'Count one step of the public booking funnel (no personal data)', body: funnelEventSchema },
      config: {
        access: { public: true, tenant: 'required' },
        rateLimit: { max: FUNNEL_RATE_PER_MINUTE, timeWindow: 60_000 },
      },
    },
    async (request, reply) => {
      const tenantId = requireTenant(request);
      await withTenant(deps.db, tenantId, async (trx) => {
        const business = request.body.business_id ? await getBusiness(trx, tenantId, request.body.business_id) : await defaultBusiness(trx, tenantId);
        if (!business) throw notFound('Business');
        await countFunnelStep(trx, tenantId, business.id, business.timezone, request.body.step);
      });
      deps.metrics?.countFunnelStep(request.body.step);
      return reply.code(204).send();
    },
  );

  api.get(
    '/analytics/platform/kpis',
    { schema: { tags, summary: 'Platform KPIs: MRR and movements, volumes, adoption, lifetime value', querystring: platformQuerySchema, response: { 200: envelopeSchema(platformKpisSchema) } }, config: platformOnly },
    async (request) => ok(await platform.kpis(request.query)),
  );
  api.get(
    '/analytics/platform/tenants',
    { schema: { tags, summary: 'Tenants by churn risk, with factors, recommended action and upgrade advice', response: { 200: envelopeSchema(platformHealthSchema) } }, config: platformOnly },
    async () => ok(await platform.tenantHealth()),
  );
}
