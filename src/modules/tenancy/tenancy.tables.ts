import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface PlansTable {
  id: string;
  name: string;
  price_amount: number | null;
  /** The yearly price (minor units); null: priced by contract or not sold yearly. */
  annual_price_amount: number | null;
  price_currency: string;
  bookings_per_month: number | null;
  users: number | null;
  fee_bps: number;
  fee_fixed_amount: number;
  support: string;
  sort_order: number;
  is_public: boolean;
  /** The current price version (`plan_versions`): what new sign-ups and plan changes pay. */
  price_version: ColumnType<number, number | undefined, number>;
}

/** Every price a plan has had; a subscription pays the version it signed up at (migration 0086). */
export interface PlanVersionsTable {
  plan_id: string;
  version: number;
  price_amount: number | null;
  annual_price_amount: number | null;
  price_currency: string;
  created_at: CreatedAt;
}

export type TenantStatus = 'active' | 'suspended' | 'cancelled';

/** Free-form tenant settings; the keys the platform reads are typed here. */
export interface TenantSettings {
  maintenance?: boolean;
  maintenance_message?: string;
  require_mfa_for_admins?: boolean;
  suspension_reason?: string;
  /** Retention per data class (the customers module's daily pass applies them; defaults there). */
  guest_retention_months?: number;
  consent_evidence_retention_years?: number;
  [key: string]: unknown;
}

export interface TenantsTable {
  id: Generated<string>;
  name: string;
  slug: string;
  domain: string | null;
  plan_id: string;
  status: ColumnType<TenantStatus, TenantStatus | undefined, TenantStatus>;
  settings: JSONColumnType<TenantSettings, string | undefined, string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** `unpaid`: a renewal stayed unpaid past the grace period (the tenant is suspended until it is paid). */
export type SubscriptionStatus = 'trialing' | 'active' | 'past_due' | 'unpaid' | 'cancelled';
export type BillingInterval = 'month' | 'year';

export interface SubscriptionsTable {
  tenant_id: string;
  id: Generated<string>;
  plan_id: string;
  /** The plan's price version this subscription pays (grandfathered: renewals keep it). */
  plan_version: number;
  /** A newer version the next renewal moves to (the platform applied a price to existing subscribers). */
  renewal_plan_version: ColumnType<number | null, number | null | undefined, number | null>;
  status: SubscriptionStatus;
  current_period_start: ColumnType<Date, Date | string, Date | string>;
  current_period_end: ColumnType<Date, Date | string, Date | string>;
  cancel_at_period_end: Generated<boolean>;
  provider_subscription_id: string | null;
  billing_interval: ColumnType<BillingInterval, BillingInterval | undefined, BillingInterval>;
  trial_end: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** A downgrade (or interval change) waiting for the period's end. */
  pending_plan_id: ColumnType<string | null, string | null | undefined, string | null>;
  pending_interval: ColumnType<BillingInterval | null, BillingInterval | null | undefined, BillingInterval | null>;
  past_due_since: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  dunning_attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  cancelled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface TenantUsageTable {
  tenant_id: string;
  metric: string;
  period_start: string;
  /** 0 for limited plans and corrections, 1-31 spread the units of unlimited plans (migration 0064). */
  shard: Generated<number>;
  value: number;
  updated_at: UpdatedAt;
}

/** As stored: what was saved. The keys the product reads and their values are `business-settings.ts`'s schema. */
export type StoredBusinessSettings = Record<string, unknown>;

export interface BusinessesTable {
  tenant_id: string;
  id: Generated<string>;
  name: string;
  slug: string;
  description: string | null;
  logo_url: string | null;
  website: string | null;
  phone: string | null;
  email: string | null;
  address: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  timezone: string;
  currency: string;
  settings: JSONColumnType<StoredBusinessSettings, string | undefined, string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface PlatformSettingsTable {
  key: string;
  value: JSONColumnType<Record<string, unknown>, string, string>;
  updated_at: UpdatedAt;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    plans: PlansTable;
    plan_versions: PlanVersionsTable;
    platform_settings: PlatformSettingsTable;
    tenants: TenantsTable;
    subscriptions: SubscriptionsTable;
    tenant_usage: TenantUsageTable;
    businesses: BusinessesTable;
  }
}
