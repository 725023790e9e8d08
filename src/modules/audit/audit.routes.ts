import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { auditLogQuerySchema, auditLogSchema } from './audit.schemas.ts';
import { listAuditLogs } from './audit.service.ts';

export function registerAuditRoutes(api: ApiRouter, db: Db): void {
  api.get(
    '/audit-logs',
    {
      config: { access: { permission: ['read', 'AuditLog'] } },
      schema: {
        tags: ['Audit'],
        summary: 'Audit log of the tenant, newest first',
        querystring: auditLogQuerySchema,
        response: { 200: envelopeSchema(z.array(auditLogSchema)) },
      },
    },
    async (request) => {
      const auth = request.auth;
      if (!auth) throw new Error('access check let an anonymous request through');
      const page = await withTenant(db, auth.tenantId, (trx) => listAuditLogs(trx, auth.tenantId, request.query));
      return ok(page.items, page.pagination);
    },
  );
}
