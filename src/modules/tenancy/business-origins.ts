import type { Executor } from '../../platform/db/database.ts';
import { allowedOriginsSchema } from './allowed-origins.ts';
import { defaultBusiness, getTenant } from './tenancy.service.ts';

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
