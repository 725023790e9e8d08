import { z } from 'zod';
import { FUNNEL_STEPS } from './funnel.ts';
import { BOOKING_STATUSES, CHANNELS } from './report-figures.ts';

const localDate = z.iso.date().describe('Local date of the location, YYYY-MM-DD');
const bps = z.int().nullable().describe('Basis points (1 % = 100); null when there is nothing to divide by');
const DAY = 86_400_000;
/** Longest period a report covers. */
export const MAX_REPORT_DAYS = 366;

const reportQueryFields = {
  business_id: z.uuid().optional().describe("Defaults to the tenant's first business"),
  from: localDate,
  to: localDate,
  location_id: z.uuid().optional(),
  resource_id: z.uuid().optional(),
  service_id: z.uuid().optional(),
};

/** A period of local dates, `to` not before `from`, at most MAX_REPORT_DAYS long. */
const validPeriod = <T extends z.ZodType<{ from: string; to: string }>>(schema: T) =>
  schema
    .refine((query) => query.to >= query.from, { path: ['to'], message: 'to is before from' })
    .refine((query) => (Date.parse(query.to) - Date.parse(query.from)) / DAY < MAX_REPORT_DAYS, {
      path: ['to'],
      message: `a report covers at most ${MAX_REPORT_DAYS} days`,
    });

export const reportQuerySchema = validPeriod(z.strictObject(reportQueryFields));
export type ReportQuery = z.infer<typeof reportQuerySchema>;

export const REPORT_NAMES = ['overview', 'daily', 'services', 'staff', 'customers', 'cohorts', 'funnel', 'heatmap'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];
/** Reports a staff member may read and export for the resources linked to them. */
export const OWN_REPORT_NAMES = ['overview', 'daily', 'services', 'staff', 'heatmap'] as const;
export const exportParamsSchema = z.object({ report: z.enum(REPORT_NAMES) });
export const ownExportParamsSchema = z.object({ report: z.enum(OWN_REPORT_NAMES) });
export const exportQuerySchema = validPeriod(z.strictObject({ ...reportQueryFields, format: z.enum(['csv', 'xlsx']).default('csv') }));

const periodSchema = z.object({ from: localDate, to: localDate });
const moneyFiguresSchema = z.object({
  currency: z.string().length(3),
  collected: z.int().describe('Deposits and full payments received, minor units'),
  refunded: z.int(),
  net_collected: z.int().describe('collected + no-show fees − refunded'),
  outstanding_deposits: z.int().describe('Deposits still unpaid on open bookings'),
  no_show_fees: z.int(),
  platform_fees: z.int().describe("The platform's fee on payments received"),
  service_revenue: z.int().describe('Price of completed bookings'),
  revenue_per_available_hour: z.int().nullable().describe('RevPAH: service revenue per available resource hour'),
});

export const figuresSchema = z.object({
  bookings: z.object({
    total: z.int(),
    by_status: z.object(Object.fromEntries(BOOKING_STATUSES.map((status) => [status, z.int()])) as Record<(typeof BOOKING_STATUSES)[number], z.ZodInt>),
    by_channel: z.object(Object.fromEntries(CHANNELS.map((channel) => [channel, z.int()])) as Record<(typeof CHANNELS)[number], z.ZodInt>),
  }),
  cancellation_rate_bps: bps,
  no_show_rate_bps: bps,
  average_lead_time_minutes: z.int().nullable(),
  utilisation: z.object({ booked_minutes: z.int(), available_minutes: z.int(), rate_bps: bps }),
  duration: z.object({ timed_bookings: z.int(), actual_minutes: z.int(), planned_minutes: z.int(), difference_minutes: z.int() }),
  revenue: z.array(moneyFiguresSchema),
});

export const overviewSchema = z.object({
  business_id: z.uuid(),
  period: periodSchema,
  previous_period: periodSchema,
  current: figuresSchema,
  previous: figuresSchema,
});

export const dailyRowSchema = z.object({
  date: localDate,
  currency: z.string().length(3),
  bookings: z.int(),
  completed: z.int(),
  cancelled: z.int(),
  no_show: z.int(),
  booked_minutes: z.int(),
  collected: z.int(),
  refunded: z.int(),
  service_revenue: z.int(),
});

export const serviceRowSchema = z.object({
  service_id: z.uuid(),
  name: z.string(),
  currency: z.string().length(3),
  bookings: z.int(),
  completed: z.int(),
  cancelled: z.int(),
  no_show: z.int(),
  service_revenue: z.int(),
  cost_per_booking: z.int().nullable().describe('The cost the business entered; null when not entered'),
  total_cost: z.int().nullable(),
  profit: z.int().nullable().describe('Service revenue − cost × completed bookings'),
  margin_bps: bps,
});

export const staffRowSchema = z.object({
  resource_id: z.uuid(),
  name: z.string(),
  type: z.string(),
  bookings: z.int(),
  completed: z.int(),
  no_show: z.int(),
  revenue: z.array(z.object({ currency: z.string().length(3), service_revenue: z.int().describe('Price of completed bookings') })),
  booked_minutes: z.int(),
  available_minutes: z.int(),
  utilisation_bps: bps,
  visits: z.int(),
  rebooked_visits: z.int().describe("Visits after which the customer's next visit was with the same resource"),
  rebooking_rate_bps: bps,
  timed_bookings: z.int(),
  actual_minutes: z.int(),
  planned_minutes: z.int(),
});

export const heatmapCellSchema = z.object({
  weekday: z.int().min(1).max(7).describe('ISO weekday of the local date, 1 = Monday … 7 = Sunday'),
  hour: z.int().min(0).max(23).describe("Local hour in the location's zone"),
  bookings: z.int().describe('Bookings holding the time (pending, confirmed, rescheduled, completed, no-show) that start in this hour'),
  booked_minutes: z.int().describe('Minutes of those bookings that fall in this hour'),
  available_minutes: z.int().describe('Working minutes of the resources in scope that fall in this hour'),
  utilisation_bps: bps,
});

const customerFiguresSchema = z.object({
  customers: z.int(),
  new_customers: z.int(),
  returning_customers: z.int(),
  repeat_visits: z.int(),
  same_professional_visits: z.int(),
  same_professional_rate_bps: bps,
});
export const customersReportSchema = z.object({ period: periodSchema, previous_period: periodSchema, current: customerFiguresSchema, previous: customerFiguresSchema });

export const cohortSchema = z.object({
  cohort: z.string().describe('YYYY-MM of the first visit'),
  customers: z.int(),
  months: z.array(z.object({ offset: z.int(), customers: z.int(), rate_bps: bps })),
});

const funnelStepSchema = z.object({ step: z.enum(FUNNEL_STEPS), count: z.int(), from_previous_bps: bps });
export const funnelReportSchema = z.object({
  period: periodSchema,
  previous_period: periodSchema,
  current: z.array(funnelStepSchema),
  previous: z.array(funnelStepSchema),
  conversion_bps: bps.describe('confirmed / page_view'),
});

export const funnelEventSchema = z.strictObject({
  step: z.enum(FUNNEL_STEPS),
  business_id: z.uuid().optional().describe("Defaults to the tenant's first business"),
});
