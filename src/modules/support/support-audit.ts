import type { Executor } from '../../platform/db/database.ts';
import { PLATFORM_AUDIT_TENANT_ID, recordAudit } from '../audit/index.ts';

/** Who acts from the console, and the request they act in (for the audit records). */
export interface SupportCaller {
  userId: string | null;
  ip: string;
  userAgent: string | null;
  requestId: string;
}

/**
 * A support action is audited twice, as every platform action is: in the platform's log and in the
 * business's own, in the transaction of the change (so neither exists without the other).
 */
export async function auditSupportAction(
  executor: Executor,
  caller: SupportCaller,
  tenantId: string,
  action: string,
  entity: { type: string; id: string },
  values: { oldValues?: unknown; newValues?: unknown },
): Promise<void> {
  for (const target of [PLATFORM_AUDIT_TENANT_ID, tenantId]) {
    await recordAudit(executor, {
      tenantId: target,
      action,
      actor: { type: 'user', id: caller.userId },
      userId: caller.userId,
      entityType: entity.type,
      entityId: entity.id,
      ...values,
      metadata: { tenant_id: tenantId, tool: 'platform_support' },
      ip: caller.ip,
      userAgent: caller.userAgent,
      requestId: caller.requestId,
    });
  }
}
