import { AppError } from './errors.ts';
import { tenantOf } from './access.ts';
import type { AuthContext, PublicTenant } from './access.ts';

/**
 * The tenant a request acts for, for routes whose declared access guarantees one
 * (a permission, or `public` with `tenant: 'required'`); throws if the guarantee broke.
 */
export function requireTenant(request: { auth: AuthContext | null; publicTenant: PublicTenant | null }): string {
  const tenantId = tenantOf(request);
  if (tenantId === null) throw new AppError('UNAUTHENTICATED', 'Sign in, send an API key or name the business');
  return tenantId;
}
