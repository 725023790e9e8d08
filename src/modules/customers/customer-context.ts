import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db, Trx } from '../../platform/db/database.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { actorOf, recordAudit } from '../audit/index.ts';
import type { CustomerDataRegistry } from './customer-data-registry.ts';

/** What the customer services are built with (composition root). */
export interface CustomersDeps {
  db: Db;
  keyRing: KeyRing;
  registry: CustomerDataRegistry;
}

/** Who asks, from where, and why: for consent proof and the audit trail. */
export interface CustomerRequestContext {
  tenantId: string;
  auth: AuthContext | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  /** Why staff opened the data (header `X-Access-Reason`), kept in the audit log for support access. */
  accessReason: string | null;
  /** Set for background work (retention, rotation): audited as the system, not as an anonymous caller. */
  system?: boolean;
}

/**
 * Audit entries about customers carry ids, field names and non-personal
 * values only: the audit log is not encrypted, so it must not become a
 * second, plaintext copy of the customer.
 */
export async function auditCustomer(
  trx: Trx,
  context: CustomerRequestContext,
  action: string,
  customerId: string,
  details: { oldValues?: Record<string, unknown>; newValues?: Record<string, unknown>; metadata?: Record<string, unknown> } = {},
): Promise<void> {
  await recordAudit(trx, {
    tenantId: context.tenantId,
    ...(context.system ? { actor: { type: 'system' as const, id: null }, userId: null } : actorOf(context.auth)),
    action,
    entityType: 'customer',
    entityId: customerId,
    oldValues: details.oldValues,
    newValues: details.newValues,
    metadata: { ...(context.accessReason ? { access_reason: context.accessReason } : {}), ...(details.metadata ?? {}) },
    ip: context.ip,
    userAgent: context.userAgent,
    requestId: context.requestId,
  });
}

/** Context of work no person asked for (retention, rotation). */
export function systemContext(tenantId: string, reason: string): CustomerRequestContext {
  return { tenantId, auth: null, ip: null, userAgent: null, requestId: null, accessReason: reason, system: true };
}
