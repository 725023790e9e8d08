import type { Db, Executor } from '../../platform/db/database.ts';
import { withPlatform, withTenant } from '../../platform/db/tenant-context.ts';
import { businessSettingsOf, type StoredBusinessSettings } from './business-settings.ts';
import { defaultBusiness, getTenant, getTenantBySlug } from './tenancy.service.ts';

/**
 * Origins of the business's own pages besides PUBLIC_URL: its custom domain
 * (`https://{tenant.domain}`) and the business setting `allowed_origins`.
 * Payments sends customers back only there after 3-D Secure.
 */
export async function businessReturnOrigins(executor: Executor, tenantId: string): Promise<string[]> {
  const tenant = await getTenant(executor, tenantId);
  const business = await defaultBusiness(executor, tenantId);
  const configured = businessSettingsOf(business?.settings).allowed_origins ?? [];
  return [...(tenant?.domain ? [`https://${tenant.domain}`] : []), ...configured];
}

/**
 * The business setting `embed_origins`: the sites allowed to show its booking widget (empty: any site),
 * as browsers name them. Read entry by entry, so a value saved before origins were stored canonical
 * (`https://Shop.example:443`) still matches the page's `location.origin`.
 */
export function embedOriginsOf(settings: StoredBusinessSettings): string[] {
  return businessSettingsOf(settings).embed_origins ?? [];
}

/**
 * Who may frame the widget of the business at `tenantSlug`: its `embed_origins`, or null when any site may
 * (none configured, or no such business: that page only says so).
 */
export async function embedFrameAncestors(db: Db, tenantSlug: string): Promise<string[] | null> {
  const tenant = await withPlatform(db, (trx) => getTenantBySlug(trx, tenantSlug.toLowerCase()));
  if (!tenant) return null;
  const business = await withTenant(db, tenant.id, (trx) => defaultBusiness(trx, tenant.id));
  const origins = embedOriginsOf(business?.settings ?? {});
  return origins.length > 0 ? origins : null;
}
