import type { z } from 'zod';
import type { Db, Executor } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { notFound } from '../../platform/http/errors.ts';
import { catalogLabels, type ResourceLabel } from '../catalog/index.ts';
import { workingIntervalsByDay, workingMinutesByDay } from '../scheduling/index.ts';
import { defaultBusiness, getBusiness } from '../tenancy/index.ts';
import type {
  cohortSchema,
  customersReportSchema,
  dailyRowSchema,
  funnelReportSchema,
  heatmapCellSchema,
  overviewSchema,
  ReportQuery,
  serviceRowSchema,
  staffRowSchema,
} from './analytics.schemas.ts';
import { cohortsOf, customerFigures, rebookingByResource } from './customer-figures.ts';
import { FUNNEL_STEPS, funnelCounts } from './funnel.ts';
import { HeatmapGrid } from './heatmap.ts';
import { figuresOf, groupByCurrency, monthsBetween, previousPeriod, ratioBps } from './report-figures.ts';
import { cohortActivity, sumDaily, sumHourly, visitsInScope, type ReportScope } from './reports.repository.ts';

/** Who reads: staff members see only the resources linked to them (`resourceIds`); others the whole business. */
export interface Viewer {
  resourceIds?: readonly string[] | undefined;
}

type Labels = Awaited<ReturnType<typeof catalogLabels>>;

interface Context {
  scope: ReportScope;
  labels: Labels;
  /** Resources whose available time counts: the business's, narrowed by the scope and the viewer. */
  resources: ResourceLabel[];
}

/**
 * The business reports, read from the rollups (never by scanning bookings) in one tenant
 * transaction each; available time comes from scheduling's working-hours rule for the
 * resources in scope.
 */
export class ReportsService {
  readonly #db: Db;

  constructor(deps: { db: Db }) {
    this.#db = deps.db;
  }

  async overview(tenantId: string, query: ReportQuery, viewer: Viewer = {}): Promise<z.input<typeof overviewSchema>> {
    return withTenant(this.#db, tenantId, async (trx) => {
      const context = await this.#context(trx, tenantId, query, viewer);
      const previous = previousPeriod(query.from, query.to);
      const previousScope = { ...context.scope, ...previous };
      return {
        business_id: context.scope.businessId,
        period: { from: query.from, to: query.to },
        previous_period: previous,
        current: figuresOf(await sumDaily(trx, tenantId, context.scope, 'total'), await availableMinutes(trx, tenantId, context.resources, context.scope)),
        previous: figuresOf(await sumDaily(trx, tenantId, previousScope, 'total'), await availableMinutes(trx, tenantId, context.resources, previousScope)),
      };
    });
  }

  async daily(tenantId: string, query: ReportQuery, viewer: Viewer = {}): Promise<Array<z.input<typeof dailyRowSchema>>> {
    return withTenant(this.#db, tenantId, async (trx) => {
      const { scope } = await this.#context(trx, tenantId, query, viewer);
      return (await sumDaily(trx, tenantId, scope, 'day')).map((row) => ({
        date: row.key,
        currency: row.currency,
        bookings: row.bookings,
        completed: row.completed,
        cancelled: row.cancelled,
        no_show: row.no_show,
        booked_minutes: row.booked_minutes,
        collected: row.collected,
        refunded: row.refunded,
        service_revenue: row.service_revenue,
      }));
    });
  }

  /** Top services first (by service revenue), with profitability from the cost the business entered. */
  async services(tenantId: string, query: ReportQuery, viewer: Viewer = {}): Promise<Array<z.input<typeof serviceRowSchema>>> {
    return withTenant(this.#db, tenantId, async (trx) => {
      const { scope, labels } = await this.#context(trx, tenantId, query, viewer);
      const services = new Map(labels.services.map((service) => [service.id, service]));
      const rows = (await sumDaily(trx, tenantId, scope, 'service')).map((row) => {
        const service = services.get(row.key);
        const cost = service && service.currency === row.currency ? service.cost_amount : null;
        const totalCost = cost === null ? null : cost * row.completed;
        const profit = totalCost === null ? null : row.service_revenue - totalCost;
        return {
          service_id: row.key,
          name: service?.name ?? '',
          currency: row.currency,
          bookings: row.bookings,
          completed: row.completed,
          cancelled: row.cancelled,
          no_show: row.no_show,
          service_revenue: row.service_revenue,
          cost_per_booking: cost,
          total_cost: totalCost,
          profit,
          margin_bps: profit === null ? null : ratioBps(profit, row.service_revenue),
        };
      });
      return rows.sort((a, b) => b.service_revenue - a.service_revenue || b.bookings - a.bookings || a.name.localeCompare(b.name));
    });
  }

  /** Per resource in scope (staff: their own): revenue, utilisation, rebooking, actual against planned time. */
  async staff(tenantId: string, query: ReportQuery, viewer: Viewer = {}): Promise<Array<z.input<typeof staffRowSchema>>> {
    return withTenant(this.#db, tenantId, async (trx) => {
      const { scope, resources } = await this.#context(trx, tenantId, query, viewer);
      const sums = await sumDaily(trx, tenantId, scope, 'resource');
      const available = await availableByResource(trx, tenantId, resources, scope);
      const rebooking = rebookingByResource(await visitsInScope(trx, tenantId, scope));
      return resources.map((resource) => {
        const rows = sums.filter((row) => row.key === resource.id);
        const { total } = groupByCurrency(rows);
        const minutes = available.get(resource.id) ?? 0;
        const visits = rebooking.get(resource.id) ?? { visits: 0, rebooked: 0 };
        return {
          resource_id: resource.id,
          name: resource.name,
          type: resource.type,
          bookings: total.bookings,
          completed: total.completed,
          no_show: total.no_show,
          revenue: rows.map((row) => ({ currency: row.currency, service_revenue: row.service_revenue })),
          booked_minutes: total.booked_minutes,
          available_minutes: minutes,
          utilisation_bps: ratioBps(total.booked_minutes, minutes),
          visits: visits.visits,
          rebooked_visits: visits.rebooked,
          rebooking_rate_bps: ratioBps(visits.rebooked, visits.visits),
          timed_bookings: total.timed_bookings,
          actual_minutes: total.actual_minutes,
          planned_minutes: total.planned_minutes,
        };
      });
    });
  }

  async customers(tenantId: string, query: ReportQuery, viewer: Viewer = {}): Promise<z.input<typeof customersReportSchema>> {
    return withTenant(this.#db, tenantId, async (trx) => {
      const { scope } = await this.#context(trx, tenantId, query, viewer);
      const previous = previousPeriod(query.from, query.to);
      return {
        period: { from: query.from, to: query.to },
        previous_period: previous,
        current: customerFigures(await visitsInScope(trx, tenantId, scope), scope.from),
        previous: customerFigures(await visitsInScope(trx, tenantId, { ...scope, ...previous }), previous.from),
      };
    });
  }

  /** Retention cohorts: customers by the month of their first visit in the period, and how many came back each month after. */
  async cohorts(tenantId: string, query: ReportQuery, viewer: Viewer = {}): Promise<Array<z.input<typeof cohortSchema>>> {
    return withTenant(this.#db, tenantId, async (trx) => {
      const { scope } = await this.#context(trx, tenantId, query, viewer);
      const months = monthsBetween(query.from, query.to);
      const rows = await cohortActivity(trx, tenantId, scope.businessId, months[0]!, months.at(-1)!);
      return cohortsOf(
        rows.filter((row) => row.month <= months.at(-1)!),
        months.at(-1)!,
      );
    });
  }

  async funnel(tenantId: string, query: ReportQuery, viewer: Viewer = {}): Promise<z.input<typeof funnelReportSchema>> {
    return withTenant(this.#db, tenantId, async (trx) => {
      const { scope } = await this.#context(trx, tenantId, query, viewer);
      const previous = previousPeriod(query.from, query.to);
      const steps = (counts: Record<(typeof FUNNEL_STEPS)[number], number>) =>
        FUNNEL_STEPS.map((step, index) => ({
          step,
          count: counts[step],
          from_previous_bps: index === 0 ? null : ratioBps(counts[step], counts[FUNNEL_STEPS[index - 1]!]),
        }));
      const current = await funnelCounts(trx, tenantId, scope.businessId, query.from, query.to);
      return {
        period: { from: query.from, to: query.to },
        previous_period: previous,
        current: steps(current),
        previous: steps(await funnelCounts(trx, tenantId, scope.businessId, previous.from, previous.to)),
        conversion_bps: ratioBps(current.confirmed, current.page_view),
      };
    });
  }

  /**
   * Utilisation by local weekday and hour over the period: booked minutes of the bookings in
   * scope (the hourly rollup) against the working minutes of the resources in scope, hour by hour in the location's
   * zone. Totals equal the overview's booked and available minutes.
   */
  async heatmap(tenantId: string, query: ReportQuery, viewer: Viewer = {}): Promise<Array<z.input<typeof heatmapCellSchema>>> {
    return withTenant(this.#db, tenantId, async (trx) => {
      const { scope, resources } = await this.#context(trx, tenantId, query, viewer);
      const grid = new HeatmapGrid();
      if (resources.length > 0) {
        const days = await workingIntervalsByDay(trx, tenantId, { resourceIds: resources.map((resource) => resource.id), from: query.from, to: query.to });
        for (const day of days) for (const interval of day.intervals) grid.addAvailable(interval.start, interval.end, day.timeZone);
      }
      for (const row of await sumHourly(trx, tenantId, scope)) grid.addBooked(row.weekday, row.hour, row.bookings, row.booked_seconds);
      return grid.cells().map((cell) => ({ ...cell, utilisation_bps: ratioBps(cell.booked_minutes, cell.available_minutes) }));
    });
  }

  async #context(trx: Executor, tenantId: string, query: ReportQuery, viewer: Viewer): Promise<Context> {
    const business = query.business_id ? await getBusiness(trx, tenantId, query.business_id) : await defaultBusiness(trx, tenantId);
    if (!business) throw notFound('Business');
    const labels = await catalogLabels(trx, tenantId);
    const locations = new Set(labels.locations.filter((location) => location.business_id === business.id).map((location) => location.id));
    const allowed = viewer.resourceIds ? new Set(viewer.resourceIds) : null;
    const resources = labels.resources.filter(
      (resource) =>
        locations.has(resource.location_id) &&
        (query.location_id === undefined || resource.location_id === query.location_id) &&
        (query.resource_id === undefined || resource.id === query.resource_id) &&
        (allowed === null || allowed.has(resource.id)),
    );
    return {
      scope: {
        businessId: business.id,
        from: query.from,
        to: query.to,
        locationId: query.location_id,
        resourceId: query.resource_id,
        serviceId: query.service_id,
        resourceIds: viewer.resourceIds,
      },
      labels,
      resources,
    };
  }
}

async function availableByResource(executor: Executor, tenantId: string, resources: readonly ResourceLabel[], period: { from: string; to: string }) {
  const byResource = new Map<string, number>();
  if (resources.length === 0) return byResource;
  const days = await workingMinutesByDay(executor, tenantId, { resourceIds: resources.map((resource) => resource.id), from: period.from, to: period.to });
  for (const day of days) byResource.set(day.resourceId, (byResource.get(day.resourceId) ?? 0) + day.minutes);
  return byResource;
}

async function availableMinutes(executor: Executor, tenantId: string, resources: readonly ResourceLabel[], period: { from: string; to: string }): Promise<number> {
  let total = 0;
  for (const minutes of (await availableByResource(executor, tenantId, resources, period)).values()) total += minutes;
  return total;
}
