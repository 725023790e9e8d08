/**
 * Whether a tenant is open: its status (suspension), maintenance (its own or the platform's),
 * its security settings, and what a booking needs of it in one read (`bookingTerms`).
 */
import type { Executor } from '../../platform/db/database.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import * as repo from './tenancy.repository.ts';
import { businessSettingsOf, type ReadBusinessSettings } from './business-settings.ts';
import type { TenantSettings, TenantStatus } from './tenancy.tables.ts';
import { toTenant, type Tenant } from './tenancy.service.ts';

const MAINTENANCE_KEY = 'maintenance';

export interface MaintenanceState {
  enabled: boolean;
  message: string | null;
}

export async function platformMaintenance(executor: Executor): Promise<MaintenanceState> {
  return maintenanceState(await repo.readPlatformSetting(executor, MAINTENANCE_KEY));
}

function maintenanceState(value: Record<string, unknown> | undefined): MaintenanceState {
  return {
    enabled: value?.enabled === true,
    message: typeof value?.message === 'string' ? value.message : null,
  };
}

export async function setPlatformMaintenance(executor: Executor, state: MaintenanceState): Promise<void> {
  await repo.writePlatformSetting(executor, MAINTENANCE_KEY, { enabled: state.enabled, message: state.message });
}

export async function setTenantMaintenance(executor: Executor, tenantId: string, state: MaintenanceState): Promise<Tenant> {
  const tenant = await repo.findTenantById(executor, tenantId);
  if (!tenant) throw notFound('Tenant');
  const { maintenance: _maintenance, maintenance_message: _message, ...rest } = tenant.settings;
  const settings: TenantSettings = state.enabled
    ? { ...rest, maintenance: true, ...(state.message ? { maintenance_message: state.message } : {}) }
    : rest;
  await repo.updateTenantSettings(executor, tenantId, settings);
  return toTenant({ ...tenant, settings });
}

export async function setTenantStatus(
  executor: Executor,
  tenantId: string,
  status: TenantStatus,
  reason: string | null,
): Promise<{ before: Tenant; after: Tenant }> {
  const tenant = await repo.findTenantById(executor, tenantId);
  if (!tenant) throw notFound('Tenant');
  const { suspension_reason: _reason, ...rest } = tenant.settings;
  const settings: TenantSettings = status === 'active' || reason === null ? rest : { ...rest, suspension_reason: reason };
  await repo.updateTenantStatus(executor, tenantId, status, settings);
  return { before: toTenant(tenant), after: toTenant({ ...tenant, status, settings }) };
}

export async function updateTenantSettings(executor: Executor, tenantId: string, patch: TenantSettings): Promise<Tenant> {
  const tenant = await repo.findTenantById(executor, tenantId);
  if (!tenant) throw notFound('Tenant');
  const settings = { ...tenant.settings, ...patch };
  await repo.updateTenantSettings(executor, tenantId, settings);
  return toTenant({ ...tenant, settings });
}

/**
 * What public (unauthenticated) booking calls must check first: a suspended or cancelled
 * tenant answers 403 TENANT_SUSPENDED; maintenance (platform-wide or the tenant's) 503
 * MAINTENANCE. Staff of a suspended tenant can still sign in and read.
 */
export async function assertPublicBookingOpen(executor: Executor, tenantId: string): Promise<void> {
  assertOpen(await repo.findTenantWithPlatformSetting(executor, tenantId, MAINTENANCE_KEY));
}

/** What a booking needs of its tenant and business (see `bookingTerms`). */
export interface BookingTerms {
  /** The settings of the business that offers the service; null when it does not exist. */
  settings: ReadBusinessSettings | null;
  /** The plan's monthly booking limit: null for none; undefined when the plan is unknown. */
  monthlyBookingLimit: number | null | undefined;
}

/**
 * What the booking flow needs of the tenancy, in one read: for a public booking
 * (`publicBooking`), the refusals of `assertPublicBookingOpen`; the settings of the business
 * that offers the service (guest verification, unpaid hold); and the plan's monthly limit,
 * for `consumeBookingQuota`.
 */
export async function bookingTerms(
  executor: Executor,
  tenantId: string,
  businessId: string,
  options: { publicBooking: boolean },
): Promise<BookingTerms> {
  const found = await repo.findTenantWithPlatformSetting(executor, tenantId, MAINTENANCE_KEY, businessId);
  if (options.publicBooking) assertOpen(found);
  return { settings: found?.businessSettings === undefined ? null : businessSettingsOf(found.businessSettings), monthlyBookingLimit: found?.bookingLimit };
}

function assertOpen(found: Awaited<ReturnType<typeof repo.findTenantWithPlatformSetting>>): void {
  if (!found) throw new AppError('TENANT_NOT_FOUND', 'This business does not exist');
  const { tenant } = found;
  if (tenant.status !== 'active') {
    throw new AppError('TENANT_SUSPENDED', 'This business is not taking bookings at the moment');
  }
  const platform = maintenanceState(found.setting);
  if (platform.enabled) {
    throw new AppError('MAINTENANCE', platform.message ?? 'Bookings are paused for scheduled maintenance; please retry later', { notice: platform.message }, {
      'retry-after': '300',
    });
  }
  if (tenant.settings.maintenance === true) {
    throw new AppError(
      'MAINTENANCE',
      tenant.settings.maintenance_message ?? 'This business is under maintenance; please retry later',
      // The platform administrator's own words, for a booking page to show as they are written.
      { notice: tenant.settings.maintenance_message ?? null },
      { 'retry-after': '300' },
    );
  }
}
