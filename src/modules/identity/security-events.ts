import type { Executor } from '../../platform/db/database.ts';
import { PLATFORM_AUDIT_TENANT_ID, recordAudit } from '../audit/index.ts';
import type { RequestMeta } from './auth.service.ts';

/**
 * A security event of a person's account (sign-in, failures, sign-out, password change, sessions) in
 * the audit log of the tenant it concerns, or the platform's when there is none.
 */
export async function recordSecurityEvent(
  executor: Executor,
  tenantId: string | null,
  action: string,
  request: RequestMeta,
  details: { userId?: string | null; metadata?: Record<string, unknown>; impersonatedBy?: string | null },
): Promise<void> {
  await recordAudit(executor, {
    tenantId: tenantId ?? PLATFORM_AUDIT_TENANT_ID,
    action,
    actor: details.userId ? { type: 'user', id: details.userId } : { type: 'anonymous', id: null },
    userId: details.userId ?? null,
    impersonatedBy: details.impersonatedBy ?? null,
    entityType: 'user',
    entityId: details.userId ?? null,
    metadata: details.metadata,
    ip: request.ip,
    userAgent: request.userAgent,
    requestId: request.requestId,
  });
}
