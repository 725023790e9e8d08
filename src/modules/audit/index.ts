/**
 * Audit module: the append-only audit log. Other modules call `recordAudit` inside their
 * transaction for explicit events, or `annotateAudit(request, ...)` to enrich the record
 * the automatic hook writes for every successful API write.
 */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import type { JobDefinition } from '../../platform/jobs/job-definition.ts';
import { registerAuditHook } from './audit.hook.ts';
import { registerAuditRoutes } from './audit.routes.ts';
import { auditPartitionsJob } from './audit-partitions.job.ts';

export { recordAudit, redactSecrets, actorOf, countAuditEntries, listAuditLogs, PLATFORM_AUDIT_TENANT_ID, type AuditEntry, type AuditLogQuery, type AuditLogView } from './audit.service.ts';
export { auditLogQuerySchema, auditLogSchema } from './audit.schemas.ts';
export { annotateAudit, type AuditAnnotation } from './audit.hook.ts';
export { auditPartitionsJob } from './audit-partitions.job.ts';

export interface AuditModule {
  /** The automatic write-audit hook; register on the root server before the routes. */
  registerHooks(server: FastifyInstance): void;
  registerRoutes(api: ApiRouter): void;
  jobs: JobDefinition[];
}

export function createAuditModule(deps: { db: Db }): AuditModule {
  return {
    registerHooks: (server) => registerAuditHook(server, deps.db),
    registerRoutes: (api) => registerAuditRoutes(api, deps.db),
    jobs: [auditPartitionsJob],
  };
}
