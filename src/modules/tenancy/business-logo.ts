/**
 * A business's logo: uploaded through the dashboard, kept in `business_logos` (migration 0094) and
 * served by the product under a URL that names the image's hash, so it can be cached for a year.
 * Only PNG, JPEG and WebP are taken, recognised by their first bytes whatever the client says: an
 * SVG (which can carry script) or anything else dressed up as an image is refused.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db, Executor } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { callerOf } from '../../platform/http/access.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { annotateAudit } from '../audit/index.ts';
import * as repo from './tenancy.repository.ts';
import { businessIdParams, businessSchema } from './tenancy.schemas.ts';
import { toBusiness } from './tenancy.service.ts';
import './tenancy.tables.ts';

export const LOGO_MAX_BYTES = 512 * 1024;
const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
type LogoType = (typeof LOGO_TYPES)[number];

declare module '../../platform/db/database.ts' {
  interface Database {
    business_logos: {
      tenant_id: string;
      business_id: string;
      content_type: LogoType;
      bytes: Buffer;
      version: string;
      created_at: Date | string | undefined;
    };
  }
}

/** The image type its first bytes say it is; null for anything else (SVG, GIF, text, a truncated file). */
export function sniffLogoType(bytes: Buffer): LogoType | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

const logoBodySchema = z
  .object({
    content_type: z.enum(LOGO_TYPES).describe('The type the file says it is; it must match what its bytes are'),
    data: z
      .string()
      // Room past the limit, so a file a little too large is told 413 with the reason rather than 400.
      .max(Math.ceil((2 * LOGO_MAX_BYTES) / 3) * 4)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
      .describe('The image, base64 (at most 512 KB decoded)'),
  })
  .strict();

const logoParams = z.object({ tenant_id: z.string().uuid(), business_id: z.string().uuid(), version: z.string().regex(/^[0-9a-f]{64}$/) });

/** Where the product serves a logo: relative, so it works on the platform host and on custom domains alike. */
export const logoUrl = (tenantId: string, businessId: string, version: string): string => `/api/v1/logos/${tenantId}/${businessId}/${version}`;

/** Stores the logo and points the business at it; answers the business as it is now. */
async function saveLogo(trx: Executor, tenantId: string, businessId: string, contentType: LogoType, bytes: Buffer) {
  const before = await repo.findBusiness(trx, tenantId, businessId);
  if (!before) throw notFound('Business');
  const version = createHash('sha256').update(bytes).digest('hex');
  await trx
    .insertInto('business_logos')
    .values({ tenant_id: tenantId, business_id: businessId, content_type: contentType, bytes, version, created_at: new Date() })
    .onConflict((oc) => oc.columns(['tenant_id', 'business_id']).doUpdateSet({ content_type: contentType, bytes, version, created_at: new Date() }))
    .execute();
  const after = await repo.updateBusiness(trx, tenantId, businessId, { logo_url: logoUrl(tenantId, businessId, version) });
  if (!after) throw notFound('Business');
  return { before: toBusiness(before), after: toBusiness(after), version };
}

export function registerBusinessLogoRoutes(api: ApiRouter, deps: { db: Db }): void {
  const { db } = deps;

  api.put(
    '/businesses/:id/logo',
    {
      config: { access: { permission: ['update', 'Business'] } },
      schema: {
        tags: ['Tenancy'],
        summary: "Upload the business's logo (PNG, JPEG or WebP, at most 512 KB; never SVG)",
        description:
          'The bytes decide the type: a file whose first bytes are not the declared PNG, JPEG or WebP is refused with ' +
          '415 UNSUPPORTED_MEDIA_TYPE; one over 512 KB with 413 PAYLOAD_TOO_LARGE. Answers the business, whose `logo_url` ' +
          'now names the new image.',
        params: businessIdParams,
        body: logoBodySchema,
        response: { 200: envelopeSchema(businessSchema) },
      },
    },
    async (request) => {
      const auth = callerOf(request);
      const bytes = Buffer.from(request.body.data, 'base64');
      if (bytes.length === 0) throw new AppError('VALIDATION_ERROR', 'The file is empty', [{ field: 'data', message: 'empty' }]);
      if (bytes.length > LOGO_MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 'The logo must be at most 512 KB');
      const sniffed = sniffLogoType(bytes);
      if (sniffed === null || sniffed !== request.body.content_type) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The logo must be a PNG, JPEG or WebP image', { detected: sniffed });
      }
      const { before, after, version } = await withTenant(db, auth.tenantId, (trx) => saveLogo(trx, auth.tenantId, request.params.id, sniffed, bytes));
      annotateAudit(request, {
        action: 'business.logo_changed',
        entityType: 'business',
        entityId: after.id,
        oldValues: { logo_url: before.logo_url },
        newValues: { logo_url: after.logo_url, content_type: sniffed, bytes: bytes.length, version },
      });
      return ok(after);
    },
  );

  api.delete(
    '/businesses/:id/logo',
    {
      config: { access: { permission: ['update', 'Business'] } },
      schema: { tags: ['Tenancy'], summary: "Remove the business's logo (the booking page shows its initial)", params: businessIdParams, response: { 200: envelopeSchema(businessSchema) } },
    },
    async (request) => {
      const auth = callerOf(request);
      const { before, after } = await withTenant(db, auth.tenantId, async (trx) => {
        const found = await repo.findBusiness(trx, auth.tenantId, request.params.id);
        if (!found) throw notFound('Business');
        await trx.deleteFrom('business_logos').where('tenant_id', '=', auth.tenantId).where('business_id', '=', request.params.id).execute();
        const updated = await repo.updateBusiness(trx, auth.tenantId, request.params.id, { logo_url: null });
        if (!updated) throw notFound('Business');
        return { before: toBusiness(found), after: toBusiness(updated) };
      });
      annotateAudit(request, { action: 'business.logo_removed', entityType: 'business', entityId: after.id, oldValues: { logo_url: before.logo_url }, newValues: { logo_url: null } });
      return ok(after);
    },
  );

  api.get(
    '/logos/:tenant_id/:business_id/:version',
    {
      config: { access: { public: true, tenant: 'none' } },
      schema: {
        tags: ['Tenancy'],
        summary: "A business's logo, as its `logo_url` names it (cached for a year: a new image gets a new URL)",
        params: logoParams,
      },
    },
    async (request, reply) => {
      const { tenant_id: tenantId, business_id: businessId, version } = request.params;
      const logo = await withTenant(db, tenantId, (trx) =>
        trx
          .selectFrom('business_logos')
          .select(['content_type', 'bytes'])
          .where('tenant_id', '=', tenantId)
          .where('business_id', '=', businessId)
          .where('version', '=', version)
          .executeTakeFirst(),
      );
      if (!logo) throw notFound('Logo');
      return reply
        .header('content-type', logo.content_type)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('content-security-policy', "default-src 'none'")
        .header('cross-origin-resource-policy', 'cross-origin')
        .send(logo.bytes);
    },
  );
}
