import type { ColumnType, JSONColumnType } from 'kysely';
import type { BillingInterval } from '../tenancy/index.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface BillingAccountsTable {
  tenant_id: string;
  legal_name: string | null;
  tax_id: string | null;
  address_lines: JSONColumnType<string[], string | undefined, string>;
  country: string | null;
  email: string | null;
  language: ColumnType<'es' | 'en', 'es' | 'en' | undefined, 'es' | 'en'>;
  payment_method: string | null;
  payment_method_brand: string | null;
  payment_method_last4: string | null;
  provider_customer_id: string | null;
  credit_balance: ColumnType<number, number | undefined, number>;
  updated_at: Timestamp;
}

export interface BillingInvoiceSeriesTable {
  series: string;
  year: number;
  last_number: number;
}

export type InvoiceKind = 'invoice' | 'credit_note';
export type InvoiceStatus = 'open' | 'paid' | 'void';
export type InvoiceReason = 'subscription_create' | 'subscription_cycle' | 'subscription_update' | 'credit' | 'refund';

/** One line of an invoice as stored: amounts in minor units, negative for a credit (unused time). */
export interface StoredInvoiceLine {
  description: { es: string; en: string };
  quantity: number;
  unit_amount: number;
  amount: number;
  period_start: string | null;
  period_end: string | null;
}

/** The buyer as the invoice was issued (later edits of the billing details do not change it). */
export interface StoredBuyer {
  name: string;
  tax_id: string | null;
  address_lines: string[];
  country: string | null;
  email: string | null;
  language: 'es' | 'en';
}

export interface PlatformInvoicesTable {
  tenant_id: string;
  id: ColumnType<string, string | undefined, never>;
  kind: InvoiceKind;
  number: string;
  status: InvoiceStatus;
  reason: InvoiceReason;
  currency: string;
  lines: JSONColumnType<StoredInvoiceLine[], string, string>;
  subtotal: ColumnType<number, number, number>;
  credit_applied: ColumnType<number, number | undefined, number>;
  tax_label: string;
  tax_rate_bps: number;
  tax_amount: number;
  reverse_charge: ColumnType<boolean, boolean | undefined, boolean>;
  total: number;
  amount_paid: ColumnType<number, number | undefined, number>;
  /** How much of an invoice's total has been refunded (each refund has its credit note). */
  amount_refunded: ColumnType<number, number | undefined, number>;
  /** A credit note's reason, as the platform wrote it. */
  refund_reason: ColumnType<string | null, string | null | undefined, string | null>;
  buyer: JSONColumnType<StoredBuyer, string, string>;
  period_start: NullableTimestamp;
  period_end: NullableTimestamp;
  credits_invoice_id: string | null;
  plan_id: string | null;
  billing_interval: BillingInterval | null;
  attempts: ColumnType<number, number | undefined, number>;
  last_failure: string | null;
  provider_payment_id: string | null;
  issued_at: Timestamp;
  due_at: NullableTimestamp;
  paid_at: NullableTimestamp;
  /** The coupon's discount on this invoice (also one of its lines, before tax). */
  discount_amount: ColumnType<number, number | undefined, number>;
  coupon_code: ColumnType<string | null, string | null | undefined, string | null>;
}

export type CouponDuration = 'once' | 'repeating' | 'forever';

/** A platform coupon (migration 0090): a percentage or an amount off in one currency. */
export interface CouponsTable {
  id: ColumnType<string, string | undefined, never>;
  code: string;
  name: string;
  percent_off: number | null;
  amount_off: ColumnType<number | null, number | null, never>;
  currency: string | null;
  duration: CouponDuration;
  duration_months: number | null;
  max_redemptions: number | null;
  times_redeemed: ColumnType<number, number | undefined, number>;
  redeem_by: NullableTimestamp;
  /** The plans it is for; empty for any. */
  plan_ids: JSONColumnType<string[], string | undefined, string>;
  archived_at: NullableTimestamp;
  created_at: Timestamp;
}

/** A coupon applied to a business's subscription; `ended_at` null while it runs. */
export interface CouponRedemptionsTable {
  tenant_id: string;
  id: ColumnType<string, string | undefined, never>;
  coupon_id: string;
  redeemed_at: Timestamp;
  ends_at: NullableTimestamp;
  ended_at: NullableTimestamp;
}

export interface BillingProviderEventsTable {
  tenant_id: string;
  provider: string;
  event_id: string;
  type: string;
  received_at: Timestamp;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    billing_accounts: BillingAccountsTable;
    billing_invoice_series: BillingInvoiceSeriesTable;
    platform_invoices: PlatformInvoicesTable;
    billing_provider_events: BillingProviderEventsTable;
    coupons: CouponsTable;
    coupon_redemptions: CouponRedemptionsTable;
  }
}
