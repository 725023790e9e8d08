import type { Db, Executor } from '../../platform/db/database.ts';
import { withPlatform, withTenant } from '../../platform/db/tenant-context.ts';
import { allowedOriginsSchema, canonicalOrigin } from './allowed-origins.ts';
import { defaultBusiness, getTenant, getTenantBySlug } from './tenancy.service.ts';

/**
 * Origins of the business's own pages besides PUBLIC_URL: its custom domain
 * (`https://{tenant.domain}`) and the business setting `allowed_origins`.
 * Payments sends customers back only there after 3-D Secure.
 */
export async function businessReturnOrigins(executor: Executor, tenantId: string): Promise<string[]> {
  const tenant = await getTenant(executor, tenantId);
  const business = await defaultBusiness(executor, tenantId);
  const configured = allowedOriginsSchema.safeParse(business?.settings.allowed_origins);
  return [...(tenant?.domain ? [`https://${tenant.domain}`] : []), ...(configured.success ? configured.data : [])];
}

/**
 * The business setting `embed_origins`: the sites allowed to show its booking widget (empty: any site),
 * as browsers name them. Read entry by entry, so a value saved before origins were stored canonical
 * (`https://Shop.example:443`) still matches the page's `location.origin`.
 */
export function embedOriginsOf(settings: Record<string, unknown>): string[] {
  const configured = settings.embed_origins;
  if (!Array.isArray(configured)) return [];
  return [...new Set(configured.map(canonicalOrigin).filter((origin): origin is string => origin !== null))];
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
