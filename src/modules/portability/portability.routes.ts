import { z } from 'zod';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { callerOf } from '../../platform/http/access.ts';
import { businessExportSchema, newExportSchema, type BusinessExports } from './business-exports.ts';

const tags = ['Business data export'];
/** Owners only: the archive holds every customer's data and the whole team. */
const ownerOnly = { access: { permission: ['update', 'Tenant'] } } as const;
const exportParams = z.object({ id: z.uuid() });

export function registerPortabilityRoutes(api: ApiRouter, exports: BusinessExports): void {
  api.post(
    '/business/exports',
    {
      config: ownerOnly,
      schema: {
        tags,
        summary: 'Export all of the business’s data: a ZIP archive (CSV and JSON Lines per data class, a README) prepared in the background',
        description:
          'Allowed while the business is suspended. One export is prepared at a time: asking again meanwhile answers 409 CONFLICT with `details.export_id`. ' +
          'The archive can be downloaded for 7 days. Audited as `business.data_exported`.',
        body: newExportSchema,
        response: { 202: envelopeSchema(businessExportSchema) },
      },
    },
    async (request, reply) => {
      const started = await exports.start(callerOf(request), request.body ?? {}, {
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        requestId: request.id,
      });
      return reply.code(202).send(ok(started));
    },
  );

  api.get(
    '/business/exports',
    { config: ownerOnly, schema: { tags, summary: 'The business’s latest data exports (at most 10), newest first', response: { 200: envelopeSchema(z.array(businessExportSchema)) } } },
    async (request) => ok(await exports.list(callerOf(request).tenantId)),
  );

  api.get(
    '/business/exports/:id',
    { config: ownerOnly, schema: { tags, summary: 'One data export and its progress', params: exportParams, response: { 200: envelopeSchema(businessExportSchema) } } },
    async (request) => ok(await exports.get(callerOf(request).tenantId, request.params.id)),
  );

  api.get(
    '/business/exports/:id/download',
    {
      config: ownerOnly,
      schema: {
        tags,
        summary: 'The export’s ZIP archive (409 while it is being prepared, 410 LINK_EXPIRED after 7 days)',
        params: exportParams,
      },
    },
    async (request, reply) => {
      const { bytes, createdAt } = await exports.archive(callerOf(request).tenantId, request.params.id);
      const name = `reservehub-export-${createdAt.toISOString().slice(0, 10)}.zip`;
      return reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="${name}"`).type('application/zip').send(bytes);
    },
  );
}
