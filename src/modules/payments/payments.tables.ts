import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** bigint minor units: read as number (int8 parser), written as number. */
type MinorUnits = ColumnType<number, number, number>;

export type PaymentType = 'deposit' | 'full_payment' | 'penalty';

/** How the money arrived: through the provider, or taken at the front desk (migration 0092). */
export type PaymentMethodKind = 'online' | 'cash' | 'card_terminal' | 'other';

/** Our lifecycle of a payment; providers' statuses are mapped onto it (see `payment-status.ts`). */
export type PaymentStatus =
  | 'requires_payment_method'
  | 'requires_action'
  | 'processing'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'refunded'
  | 'partially_refunded';

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

export interface PaymentsTable {
  tenant_id: string;
  id: Generated<string>;
  booking_id: string;
  customer_id: string;
  type: PaymentType;
  status: PaymentStatus;
  amount: MinorUnits;
  currency: string;
  platform_fee: MinorUnits;
  provider: string;
  provider_payment_id: string | null;
  provider_customer_id: string | null;
  payment_method_id: string | null;
  client_secret: string | null;
  next_action_url: string | null;
  return_url: string | null;
  idempotency_key: string;
  description: string | null;
  failure_reason: string | null;
  metadata: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  method: ColumnType<PaymentMethodKind, PaymentMethodKind | undefined, never>;
  /** The member of staff who recorded a desk payment; null for online payments. */
  recorded_by: ColumnType<string | null, string | null | undefined, never>;
  reference: ColumnType<string | null, string | null | undefined, never>;
  note: ColumnType<string | null, string | null | undefined, never>;
  processed_at: NullableTime;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface RefundsTable {
  tenant_id: string;
  id: Generated<string>;
  payment_id: string;
  amount: MinorUnits;
  currency: string;
  reason: string | null;
  status: RefundStatus;
  provider_refund_id: string | null;
  idempotency_key: string;
  failure_reason: string | null;
  processed_at: NullableTime;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface PaymentCustomersTable {
  tenant_id: string;
  customer_id: string;
  provider: string;
  provider_customer_id: string;
  created_at: CreatedAt;
}

export interface PaymentMethodsTable {
  tenant_id: string;
  id: Generated<string>;
  customer_id: string | null;
  provider: string;
  provider_payment_method_id: string;
  provider_customer_id: string | null;
  brand: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ProviderEventsTable {
  tenant_id: string;
  provider: string;
  event_id: string;
  type: string;
  provider_object_id: string | null;
  outcome: string;
  received_at: CreatedAt;
}

/** The business's account at the provider (Stripe Connect), one per tenant and provider. */
export interface PaymentAccountsTable {
  tenant_id: string;
  provider: string;
  account_id: string;
  charges_enabled: boolean;
  payouts_enabled: boolean;
  details_submitted: boolean;
  requirements_due: JSONColumnType<string[], string | undefined, string>;
  disabled_reason: string | null;
  synced_at: ColumnType<Date, Date | string | undefined, Date | string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    payments: PaymentsTable;
    refunds: RefundsTable;
    payment_customers: PaymentCustomersTable;
    payment_methods: PaymentMethodsTable;
    provider_events: ProviderEventsTable;
    payment_accounts: PaymentAccountsTable;
  }
}
