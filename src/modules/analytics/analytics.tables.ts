import type { ColumnType } from 'kysely';

/** Dates (`date` columns) are read as `YYYY-MM-DD` text by the queries that select them (`day::text`). */
type DateColumn = ColumnType<string, string, string>;
type Count = ColumnType<number, number | undefined, number>;
type Minor = ColumnType<number, number | undefined, number>;

/** `analytics_daily` (migration 0080): bookings and money per resource, service and local day. */
export interface AnalyticsDailyTable {
  tenant_id: string;
  resource_id: string;
  day: DateColumn;
  service_id: string;
  location_id: string;
  currency: string;
  business_id: string;
  bookings: Count;
  pending_payment: Count;
  confirmed: Count;
  rescheduled: Count;
  completed: Count;
  cancelled: Count;
  no_show: Count;
  expired: Count;
  src_web: Count;
  src_widget: Count;
  src_admin: Count;
  src_api: Count;
  src_manage_link: Count;
  src_waitlist: Count;
  src_seed: Count;
  booked_minutes: Minor;
  lead_seconds: Minor;
  service_revenue: Minor;
  collected: Minor;
  refunded: Minor;
  no_show_fees: Minor;
  platform_fees: Minor;
  outstanding_deposits: Minor;
  timed_bookings: Count;
  actual_minutes: Minor;
  planned_minutes: Minor;
}

/** `analytics_hourly` (migration 0082): seconds bookings hold a resource, per local weekday and hour, by the local day of their start. */
export interface AnalyticsHourlyTable {
  tenant_id: string;
  resource_id: string;
  day: DateColumn;
  service_id: string;
  location_id: string;
  weekday: number;
  hour: number;
  business_id: string;
  bookings: Count;
  booked_seconds: Minor;
}

/** `analytics_customer_days` (migration 0080): a customer's visits per resource and local day. */
export interface AnalyticsCustomerDaysTable {
  tenant_id: string;
  customer_id: string;
  day: DateColumn;
  resource_id: string;
  location_id: string;
  business_id: string;
  visits: number;
}

/** `analytics_funnel_daily` (migration 0080): public booking funnel steps per business and local day. */
export interface AnalyticsFunnelDailyTable {
  tenant_id: string;
  business_id: string;
  day: DateColumn;
  step: string;
  count: Count;
}

/** `analytics_mrr_snapshots` (migration 0080): a tenant's MRR as last recorded in a month. */
export interface AnalyticsMrrSnapshotsTable {
  tenant_id: string;
  month: DateColumn;
  plan_id: string;
  currency: string;
  mrr: number;
  recorded_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    analytics_daily: AnalyticsDailyTable;
    analytics_customer_days: AnalyticsCustomerDaysTable;
    analytics_hourly: AnalyticsHourlyTable;
    analytics_funnel_daily: AnalyticsFunnelDailyTable;
    analytics_mrr_snapshots: AnalyticsMrrSnapshotsTable;
  }
}
