import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** Lifecycle of catalog rows: `archived` replaces deletion when something refers to the row. */
export type CatalogStatus = 'active' | 'inactive' | 'archived';
export type ResourceType = 'staff' | 'room' | 'equipment';

type CreatedAt = ColumnType<Date, never, never>;
type UpdatedAt = ColumnType<Date, never, Date>;
type Json<T extends object> = JSONColumnType<T, string, string>;

export interface LocationsTable {
  tenant_id: string;
  id: Generated<string>;
  business_id: string;
  name: string;
  address: Json<Record<string, unknown>>;
  phone: string | null;
  email: string | null;
  timezone: string;
  settings: Json<Record<string, unknown>>;
  status: Generated<CatalogStatus>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ServiceCategoriesTable {
  tenant_id: string;
  id: Generated<string>;
  business_id: string;
  name: string;
  description: string | null;
  color: string | null;
  sort_order: number;
  status: Generated<CatalogStatus>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ResourcesTable {
  tenant_id: string;
  id: Generated<string>;
  location_id: string;
  name: string;
  type: ResourceType;
  description: string | null;
  capacity: number;
  skills: string[];
  user_id: string | null;
  settings: Json<Record<string, unknown>>;
  status: Generated<CatalogStatus>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** One extra resource a service needs at the same time (stored shape of `required_resources`). */
export interface RequiredResourceGroup {
  label: string;
  type?: ResourceType | undefined;
  skills?: string[] | undefined;
  resource_ids?: string[] | undefined;
}

export interface ServicesTable {
  tenant_id: string;
  id: Generated<string>;
  business_id: string;
  category_id: string | null;
  name: string;
  description: string | null;
  duration_minutes: number;
  buffer_before_minutes: number;
  buffer_after_minutes: number;
  capacity: number;
  slot_interval_minutes: number | null;
  min_notice_minutes: number;
  max_advance_days: number;
  price_amount: number;
  currency: string;
  /** What delivering the service costs the business (minor units of `currency`); null when not entered (migration 0080). */
  cost_amount: Generated<number | null>;
  deposit_type: 'none' | 'percentage' | 'fixed' | 'full';
  deposit_value: number;
  cancellation_policy: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  required_resources: Json<RequiredResourceGroup[]>;
  settings: Json<Record<string, unknown>>;
  status: Generated<CatalogStatus>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ServiceResourcesTable {
  tenant_id: string;
  service_id: string;
  resource_id: string;
}

export interface ServicePricingTable {
  tenant_id: string;
  id: Generated<string>;
  service_id: string;
  name: string;
  base_price: number;
  currency: string;
  deposit_type: 'none' | 'percentage' | 'fixed' | 'full';
  deposit_value: number;
  is_default: boolean;
  conditions: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  valid_from: Date | null;
  valid_until: Date | null;
  priority: number;
  created_at: CreatedAt;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    locations: LocationsTable;
    service_categories: ServiceCategoriesTable;
    resources: ResourcesTable;
    services: ServicesTable;
    service_resources: ServiceResourcesTable;
    service_pricing: ServicePricingTable;
  }
}
