/**
 * Compliance: what the platform's auditors (and administrators) read across every business (RF1.8, RF8.1):
 * the audit trail with search and CSV / JSON Lines export, and every business's register of GDPR requests with
 * what is open and overdue, and a compliance report per business. Auditors hold `read` and `export` on the
 * `Compliance` subject and nothing else, so every write anywhere refuses them. The module owns no table: it
 * reads the audit module's log and the customers module's register, and names the businesses through tenancy.
 */
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { actorOf, PLATFORM_AUDIT_TENANT_ID, recordAudit } from '../audit/index.ts';
import { listPrivacyRequestsAcrossTenants, privacyRequestFigures, privacyRequestSchema, privacyRequestsQuerySchema, type CustomerDataRegistry } from '../customers/index.ts';
import { complianceReport, complianceReportSchema, reportQuerySchema } from './compliance-report.ts';
import {
  directoryEntrySchema,
  directoryQuerySchema,
  exportTrail,
  searchTrail,
  tenantDirectory,
  tenantNamer,
  tenantRefSchema,
  trailEntrySchema,
  trailExportQuerySchema,
  trailQuerySchema,
} from './audit-trail.ts';

export { MAX_EXPORT_ENTRIES } from './audit-trail.ts';

export interface ComplianceModule {
  registerRoutes(api: ApiRouter): void;
}

const tags = ['Compliance'];

export function createComplianceModule(deps: { db: Db; customerData: CustomerDataRegistry }): ComplianceModule {
  const { db } = deps;
  return {
    registerRoutes(api) {
      api.get(
        '/platform/compliance/tenants',
        {
          config: { access: { permission: ['read', 'Compliance'] } },
          schema: {
            tags,
            summary: 'The businesses to pick from in compliance views: id, slug, name and status, searchable by name, slug or domain',
            querystring: directoryQuerySchema,
            response: { 200: envelopeSchema(z.array(directoryEntrySchema)) },
          },
        },
        async (request) => {
          const page = await tenantDirectory(db, request.query);
          return ok(page.items, page.pagination);
        },
      );

      api.get(
        '/platform/audit-logs',
        {
          config: { access: { permission: ['read', 'Compliance'] } },
          schema: {
            tags,
            summary: 'The audit trail of every business (or one), newest first, with the same filters as a business’s own log',
            querystring: trailQuerySchema,
            response: { 200: envelopeSchema(z.array(trailEntrySchema)) },
          },
        },
        async (request) => {
          const page = await searchTrail(db, request.query);
          return ok(page.items, page.pagination);
        },
      );

      api.get(
        '/platform/audit-logs/export',
        {
          config: { access: { permission: ['export', 'Compliance'] } },
          schema: {
            tags,
            summary: 'The matching audit trail as CSV or JSON Lines (at most 100,000 entries; the export itself is audited)',
            querystring: trailExportQuerySchema,
          },
        },
        async (request, reply) => {
          const { body, count } = await exportTrail(db, request.query);
          const auth = request.auth;
          const { format, ...filters } = request.query;
          await withPlatform(db, (trx) =>
            recordAudit(trx, {
              tenantId: PLATFORM_AUDIT_TENANT_ID,
              action: 'compliance.audit_exported',
              ...actorOf(auth),
              entityType: 'audit_log',
              metadata: { format, entries: count, filters },
              ip: request.ip,
              userAgent: request.headers['user-agent'] ?? null,
              requestId: request.id,
            }),
          );
          const day = new Date().toISOString().slice(0, 10);
          reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="audit-trail-${day}.${format}"`);
          return reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8').send(body);
        },
      );

      api.get(
        '/platform/privacy-requests',
        {
          config: { access: { permission: ['read', 'Compliance'] } },
          schema: {
            tags,
            summary: 'Every business’s GDPR requests (or one business’s), newest first; `status=overdue` for open ones past their due date',
            querystring: privacyRequestsQuerySchema.extend({ tenant_id: z.uuid().optional() }),
            response: { 200: envelopeSchema(z.array(privacyRequestSchema.extend({ tenant: tenantRefSchema.nullable() }))) },
          },
        },
        async (request) => {
          const page = await listPrivacyRequestsAcrossTenants(db, request.query);
          return ok(await tenantNamer(db)(page.items), page.pagination);
        },
      );

      api.get(
        '/platform/tenants/:id/compliance-report',
        {
          config: { access: { permission: ['read', 'Compliance'] } },
          schema: {
            tags,
            summary:
              'A business’s compliance report for a period (a year to today by default, at most two): record of processing, retention, customers and GDPR requests in figures, who can reach the data, the platform’s impersonations, card data',
            params: z.object({ id: z.uuid() }),
            querystring: reportQuerySchema,
            response: { 200: envelopeSchema(complianceReportSchema) },
          },
        },
        async (request) => ok(await complianceReport(deps, request.params.id, request.query)),
      );

      api.get(
        '/platform/privacy-requests/summary',
        {
          config: { access: { permission: ['read', 'Compliance'] } },
          schema: {
            tags,
            summary: 'GDPR requests open, overdue, and closed in the last 30 days, over every business or one',
            querystring: z.object({ tenant_id: z.uuid().optional() }),
            response: {
              200: envelopeSchema(z.object({ open: z.number().int(), overdue: z.number().int(), completed_30d: z.number().int(), refused_30d: z.number().int() })),
            },
          },
        },
        async (request) => ok(await privacyRequestFigures(db, request.query.tenant_id)),
      );
    },
  };
}
