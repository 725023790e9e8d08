import { randomUUID } from 'node:crypto';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import { notFound, validationError } from '../../platform/http/errors.ts';
import { decodeCursor, encodeCursor, type PageQuery } from '../../platform/http/pagination.ts';
import { AppError } from '../../platform/http/errors.ts';
import * as endpoints from './webhook-endpoints.repository.ts';
import { secretContext } from './webhook-secrets.ts';
import { generateWebhookSecret } from './webhook-signature.ts';
import { parseWebhookUrl, resolveWebhookTarget, WebhookTargetError } from './webhook-target.ts';
import type { CreateEndpointBody, UpdateEndpointBody, WebhookEndpoint } from './webhooks.schemas.ts';

export interface WebhookEndpointsDeps {
  db: Db;
  keyRing: KeyRing;
  allowPrivateTargets: boolean;
}

export function toEndpoint(row: endpoints.WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    status: row.status,
    disabled_reason: row.disabled_reason,
    disabled_at: row.disabled_at?.toISOString() ?? null,
    failing_since: row.failing_since?.toISOString() ?? null,
    last_success_at: row.last_success_at?.toISOString() ?? null,
    previous_secret_expires_at: row.previous_secret_expires_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** Endpoint management: create (secret shown once), change, delete, rotate the secret. */
export function createWebhookEndpointsService(deps: WebhookEndpointsDeps) {
  /** Refuses a URL that is malformed or points at a non-public address (checked after DNS). */
  async function checkUrl(url: string): Promise<void> {
    try {
      await resolveWebhookTarget(parseWebhookUrl(url), deps.allowPrivateTargets);
    } catch (error) {
      if (error instanceof WebhookTargetError) throw validationError([{ field: 'url', message: error.message, code: error.reason }]);
      throw error;
    }
  }

  return {
    async create(tenantId: string, body: CreateEndpointBody): Promise<WebhookEndpoint & { secret: string }> {
      await checkUrl(body.url);
      const id = randomUUID();
      const secret = generateWebhookSecret();
      const row = await withTenant(deps.db, tenantId, (trx) =>
        endpoints.insertEndpoint(trx, tenantId, {
          id,
          url: body.url,
          description: body.description ?? null,
          events: body.events,
          secretEnc: deps.keyRing.encrypt(secret, secretContext(tenantId, id)),
        }),
      );
      return { ...toEndpoint(row), secret };
    },

    async get(tenantId: string, id: string): Promise<WebhookEndpoint> {
      const row = await withTenant(deps.db, tenantId, (trx) => endpoints.findEndpoint(trx, tenantId, id));
      if (!row) throw notFound('Webhook endpoint');
      return toEndpoint(row);
    },

    async list(tenantId: string, query: PageQuery): Promise<{ items: WebhookEndpoint[]; pagination: PaginationMeta }> {
      const position = decodeCursor(query.cursor);
      const after = position ? { createdAt: new Date(position.value), id: position.id } : undefined;
      if (after && Number.isNaN(after.createdAt.getTime())) throw new AppError('INVALID_CURSOR', 'The cursor is not valid for this list');
      const rows = await withTenant(deps.db, tenantId, (trx) =>
        endpoints.listEndpoints(trx, tenantId, { after, limit: query.limit + 1 }),
      );
      const hasMore = rows.length > query.limit;
      const items = rows.slice(0, query.limit);
      const last = items.at(-1);
      return {
        items: items.map(toEndpoint),
        pagination: {
          cursor: hasMore && last ? encodeCursor({ value: last.created_at.toISOString(), id: last.id }) : null,
          has_more: hasMore,
        },
      };
    },

    async update(tenantId: string, id: string, body: UpdateEndpointBody): Promise<WebhookEndpoint> {
      if (body.url !== undefined) await checkUrl(body.url);
      const row = await withTenant(deps.db, tenantId, (trx) => endpoints.updateEndpoint(trx, tenantId, id, body));
      if (!row) throw notFound('Webhook endpoint');
      return toEndpoint(row);
    },

    async remove(tenantId: string, id: string): Promise<void> {
      const removed = await withTenant(deps.db, tenantId, (trx) => endpoints.softDeleteEndpoint(trx, tenantId, id));
      if (!removed) throw notFound('Webhook endpoint');
    },

    /**
     * A new secret, shown once. The previous one keeps signing (every
     * delivery carries both signatures) until the overlap ends, so receivers
     * can switch without losing a message.
     */
    async rotateSecret(tenantId: string, id: string, overlapHours: number): Promise<WebhookEndpoint & { secret: string }> {
      const secret = generateWebhookSecret();
      const row = await withTenant(deps.db, tenantId, async (trx) => {
        const current = await endpoints.findEndpoint(trx, tenantId, id);
        if (!current) throw notFound('Webhook endpoint');
        const context = secretContext(tenantId, id);
        return endpoints.rotateSecret(trx, tenantId, id, {
          secretEnc: deps.keyRing.encrypt(secret, context),
          previousSecretEnc: overlapHours > 0 ? current.secret_enc : null,
          previousExpiresAt: overlapHours > 0 ? new Date(Date.now() + overlapHours * 3_600_000) : null,
        });
      });
      if (!row) throw notFound('Webhook endpoint');
      return { ...toEndpoint(row), secret };
    },
  };
}

export type WebhookEndpointsService = ReturnType<typeof createWebhookEndpointsService>;
