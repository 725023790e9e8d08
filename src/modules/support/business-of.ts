import type { Executor } from '../../platform/db/database.ts';
import { notFound } from '../../platform/http/errors.ts';
import { getTenant, PLATFORM_TENANT_ID } from '../tenancy/index.ts';

/** The business support acts on; the platform's own tenant and unknown ids are 404. */
export async function requireBusiness(executor: Executor, tenantId: string): Promise<void> {
  if (tenantId === PLATFORM_TENANT_ID || !(await getTenant(executor, tenantId))) throw notFound('Tenant');
}
