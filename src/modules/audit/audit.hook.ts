import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { actorOf, recordAudit, recordAudits, type AuditEntry } from './audit.service.ts';

/**
 * What a route may tell the automatic audit record about its write: the entity and its
 * old and new values (the default is the redacted request body as new values), or that it
 * recorded its own security event already (`skip`).
 */
export interface AuditAnnotation {
  skip?: boolean;
  tenantId?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  oldValues?: unknown;
  newValues?: unknown;
  metadata?: Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyRequest {
    auditAnnotation: AuditAnnotation | null;
  }
}

/** Adds details to the audit record of this request (merged when called more than once). */
export function annotateAudit(request: FastifyRequest, annotation: AuditAnnotation): void {
  request.auditAnnotation = { ...(request.auditAnnotation ?? {}), ...annotation };
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** "/api/v1/api-keys/:id" → "api_key"; "/api/v1/tenants/:id/upgrade" → "tenant". */
export function entityTypeOf(routeUrl: string): string | null {
  const segments = routeUrl.replace(/^\/api\/v\d+\//, '').split('/').filter((part) => part !== '' && !part.startsWith(':'));
  const first = segments[0];
  if (first === undefined) return null;
  const singular = first.endsWith('ies') ? `${first.slice(0, -3)}y` : first.endsWith('s') ? first.slice(0, -1) : first;
  return singular.replaceAll('-', '_');
}

function idFromPayload(payload: unknown): { id?: string; tenantId?: string } {
  if (typeof payload !== 'string' || payload.length > 200_000) return {};
  try {
    const parsed: unknown = JSON.parse(payload);
    if (typeof parsed !== 'object' || parsed === null || !('data' in parsed)) return {};
    const data = parsed.data;
    if (typeof data !== 'object' || data === null) return {};
    const id = 'id' in data && typeof data.id === 'string' ? data.id : undefined;
    const tenant = 'tenant' in data && typeof data.tenant === 'object' && data.tenant !== null && 'id' in data.tenant ? data.tenant.id : undefined;
    return { ...(id ? { id } : {}), ...(typeof tenant === 'string' ? { tenantId: tenant } : {}) };
  } catch {
    return {};
  }
}

/**
 * Group commit for the hook's records: a tenant's records that arrive while its previous
 * batch is being written go together in the next transaction (one insert, one commit)
 * instead of a transaction each. Every caller still waits until its own record committed.
 * When a batch fails, its records are retried one by one, so one bad record fails alone.
 */
export class AuditBatcher {
  readonly #db: Db;
  readonly #queues = new Map<string, { entry: AuditEntry; resolve: () => void; reject: (error: unknown) => void }[]>();

  constructor(db: Db) {
    this.#db = db;
  }

  write(entry: AuditEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const queue = this.#queues.get(entry.tenantId);
      if (queue) {
        queue.push({ entry, resolve, reject });
        return;
      }
      this.#queues.set(entry.tenantId, [{ entry, resolve, reject }]);
      void this.#drain(entry.tenantId);
    });
  }

  async #drain(tenantId: string): Promise<void> {
    for (;;) {
      const batch = this.#queues.get(tenantId) ?? [];
      if (batch.length === 0) {
        this.#queues.delete(tenantId);
        return;
      }
      // Later arrivals queue behind this batch.
      this.#queues.set(tenantId, []);
      try {
        await withTenant(this.#db, tenantId, (trx) => recordAudits(trx, batch.map((item) => item.entry)));
        for (const item of batch) item.resolve();
      } catch (error) {
        if (batch.length === 1) {
          batch[0]?.reject(error);
          continue;
        }
        for (const item of batch) {
          await withTenant(this.#db, tenantId, (trx) => recordAudit(trx, item.entry)).then(item.resolve, item.reject);
        }
      }
    }
  }
}

/**
 * Records every successful write under /api/v1 (POST, PUT, PATCH, DELETE answered 2xx):
 * actor, tenant, route, entity, redacted values, IP, user agent and request id. It runs
 * before the answer is sent (onSend), after the route's transaction committed; a failure
 * to record is logged and does not turn the committed write into an error.
 */
export function registerAuditHook(server: FastifyInstance, db: Db): void {
  const batcher = new AuditBatcher(db);
  server.decorateRequest('auditAnnotation', null);
  server.addHook('onSend', async (request, reply, payload) => {
    if (!WRITE_METHODS.has(request.method) || reply.statusCode < 200 || reply.statusCode >= 300) return payload;
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith('/api/')) return payload;
    if (reply.getHeader('idempotent-replayed') === 'true') return payload;
    const annotation = request.auditAnnotation ?? {};
    if (annotation.skip) return payload;
    const fromPayload = idFromPayload(payload);
    const tenantId = annotation.tenantId ?? request.auth?.tenantId ?? request.publicTenant?.id ?? fromPayload.tenantId;
    if (tenantId === undefined) return payload;
    const params = request.params;
    const paramId =
      typeof params === 'object' && params !== null && 'id' in params && typeof params.id === 'string' ? params.id : undefined;
    try {
      await batcher.write({
        tenantId,
        ...actorOf(request.auth),
        action: annotation.action ?? `${request.method} ${route}`,
        entityType: annotation.entityType ?? entityTypeOf(route),
        entityId: annotation.entityId ?? (paramId && UUID.test(paramId) ? paramId : fromPayload.id) ?? null,
        oldValues: annotation.oldValues,
        newValues: annotation.newValues ?? request.body,
        metadata: { route, method: request.method, status: reply.statusCode, ...(annotation.metadata ?? {}) },
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        requestId: request.id,
      });
    } catch (error) {
      request.log.error({ err: error }, 'audit record failed');
    }
    return payload;
  });
}
