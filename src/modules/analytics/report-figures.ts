import type { DailySums, SummedColumn } from './reports.repository.ts';
import { SUMMED_COLUMNS } from './reports.repository.ts';

/**
 * Report figures from rollup sums: plain functions, no I/O. Rates are basis points
 * (1 % = 100, DESIGN.md §3), rounded half up; a rate whose denominator is zero is null.
 * Money stays integer minor units per currency.
 */

export const BOOKING_STATUSES = ['pending_payment', 'confirmed', 'rescheduled', 'completed', 'cancelled', 'no_show', 'expired'] as const;

/** Channels as the business reads them, from `bookings.source`. */
export const CHANNELS = ['booking_page', 'widget', 'staff', 'api', 'waitlist', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];

export type Sums = Record<SummedColumn, number>;

export function emptySums(): Sums {
  return Object.fromEntries(SUMMED_COLUMNS.map((column) => [column, 0])) as Sums;
}

export function addInto(target: Sums, row: Sums): Sums {
  for (const column of SUMMED_COLUMNS) target[column] += row[column];
  return target;
}

/** Basis points of `part` in `whole`, or null when `whole` is 0. */
export function ratioBps(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part * 10_000) / whole);
}

/** The booking page is the public pages and the manage link's rebooking; staff is the dashboard; seeds are other. */
export function channelsOf(sums: Sums): Record<Channel, number> {
  return {
    booking_page: sums.src_web + sums.src_manage_link,
    widget: sums.src_widget,
    staff: sums.src_admin,
    api: sums.src_api,
    waitlist: sums.src_waitlist,
    other: sums.src_seed,
  };
}

export interface MoneyFigures {
  currency: string;
  /** Deposits and full payments received. */
  collected: number;
  refunded: number;
  net_collected: number;
  /** Deposits still unpaid on open bookings. */
  outstanding_deposits: number;
  no_show_fees: number;
  platform_fees: number;
  /** Price of completed bookings. */
  service_revenue: number;
  /** Service revenue per available hour (RevPAH), minor units; null without available time. */
  revenue_per_available_hour: number | null;
}

export interface Figures {
  bookings: {
    total: number;
    by_status: Record<(typeof BOOKING_STATUSES)[number], number>;
    by_channel: Record<Channel, number>;
  };
  /** Cancelled among bookings that were not left to expire unpaid. */
  cancellation_rate_bps: number | null;
  /** No-shows among bookings whose time came (completed or no-show). */
  no_show_rate_bps: number | null;
  /** Average time from booking to start, whole minutes. */
  average_lead_time_minutes: number | null;
  utilisation: { booked_minutes: number; available_minutes: number; rate_bps: number | null };
  duration: { timed_bookings: number; actual_minutes: number; planned_minutes: number; difference_minutes: number };
  revenue: MoneyFigures[];
}

/** Sums per currency and all currencies together. */
export function groupByCurrency(rows: readonly DailySums[]): { total: Sums; byCurrency: Map<string, Sums> } {
  const total = emptySums();
  const byCurrency = new Map<string, Sums>();
  for (const row of rows) {
    addInto(total, row);
    addInto(byCurrency.get(row.currency) ?? byCurrency.set(row.currency, emptySums()).get(row.currency)!, row);
  }
  return { total, byCurrency };
}

export function moneyFigures(currency: string, sums: Sums, availableMinutes: number): MoneyFigures {
  return {
    currency,
    collected: sums.collected,
    refunded: sums.refunded,
    net_collected: sums.collected + sums.no_show_fees - sums.refunded,
    outstanding_deposits: sums.outstanding_deposits,
    no_show_fees: sums.no_show_fees,
    platform_fees: sums.platform_fees,
    service_revenue: sums.service_revenue,
    revenue_per_available_hour: availableMinutes === 0 ? null : Math.round((sums.service_revenue * 60) / availableMinutes),
  };
}

/** The figures of one period from its rollup rows and the available minutes of the resources in scope. */
export function figuresOf(rows: readonly DailySums[], availableMinutes: number): Figures {
  const { total, byCurrency } = groupByCurrency(rows);
  const byStatus = Object.fromEntries(BOOKING_STATUSES.map((status) => [status, total[status]])) as Figures['bookings']['by_status'];
  return {
    bookings: { total: total.bookings, by_status: byStatus, by_channel: channelsOf(total) },
    cancellation_rate_bps: ratioBps(total.cancelled, total.bookings - total.expired),
    no_show_rate_bps: ratioBps(total.no_show, total.completed + total.no_show),
    average_lead_time_minutes: total.bookings === 0 ? null : Math.round(total.lead_seconds / total.bookings / 60),
    utilisation: { booked_minutes: total.booked_minutes, available_minutes: availableMinutes, rate_bps: ratioBps(total.booked_minutes, availableMinutes) },
    duration: {
      timed_bookings: total.timed_bookings,
      actual_minutes: total.actual_minutes,
      planned_minutes: total.planned_minutes,
      difference_minutes: total.actual_minutes - total.planned_minutes,
    },
    revenue: [...byCurrency.entries()].map(([currency, sums]) => moneyFigures(currency, sums, availableMinutes)),
  };
}

/** The period just before `from`–`to`, of the same number of days. */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const day = 86_400_000;
  const start = Date.parse(`${from}T00:00:00Z`);
  const length = Math.round((Date.parse(`${to}T00:00:00Z`) - start) / day) + 1;
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: iso(start - length * day), to: iso(start - day) };
}

/** Months (`YYYY-MM-01`) from `from`'s month to `to`'s, inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  const last = Number(to.slice(0, 4)) * 12 + Number(to.slice(5, 7));
  while (year * 12 + month <= last) {
    months.push(`${year}-${String(month).padStart(2, '0')}-01`);
    month += 1;
    if (month > 12) [year, month] = [year + 1, 1];
  }
  return months;
}
