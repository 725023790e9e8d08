import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { AppError, validationError } from '../../platform/http/errors.ts';
import { checkPublicTarget, PublicTargetError } from '../../platform/net/public-target.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import { deletePushSubscriptionByEndpoint, savePushSubscription } from './push-subscriptions.ts';

const tags = ['Notifications'];
const base64url = z.string().regex(/^[A-Za-z0-9_-]+={0,2}$/).max(200);

/** The browser's `PushSubscription.toJSON()`; staff may name the customer. */
export const pushSubscriptionBodySchema = z.strictObject({
  endpoint: z.url({ protocol: /^https?$/ }).max(2000),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({ p256dh: base64url.min(80), auth: base64url.min(16) }),
  customer_id: z.uuid().optional().describe('Staff only: the customer the browser belongs to'),
});

export const pushUnsubscribeBodySchema = z.strictObject({
  endpoint: z.url({ protocol: /^https?$/ }).max(2000),
  customer_id: z.uuid().optional(),
});

const subscriptionSchema = z.object({ id: z.uuid(), customer_id: z.uuid() });

/**
 * The customer a push subscription belongs to: the signed-in customer
 * themself, or — for staff allowed to update customers — the one named.
 */
function customerOf(request: FastifyRequest, named: string | undefined): string {
  const auth = request.auth;
  if (!auth) throw new AppError('UNAUTHENTICATED', 'Sign in');
  if (auth.actor.type === 'customer') {
    if (named !== undefined && named !== auth.actor.id) throw new AppError('FORBIDDEN', 'Customers subscribe only themselves');
    return auth.actor.id;
  }
  if (named === undefined) throw new AppError('VALIDATION_ERROR', 'customer_id is required', [{ field: 'body.customer_id', message: 'Required' }]);
  // Checked against the named customer: a grant under conditions (a customer-role member's "my own
  // profile") covers no one else, where a bare "may ever update customers" would.
  if (!auth.can('update', 'Customer', { id: named })) throw new AppError('FORBIDDEN', 'Not allowed to manage this customer');
  return named;
}

/**
 * The endpoint is where we will POST later, and anyone can send one: like a
 * webhook target it must resolve to public addresses only (checked again on
 * every send), unless private endpoints are allowed (`PUSH_ALLOW_PRIVATE`).
 */
async function checkEndpoint(endpoint: string, allowPrivate: boolean): Promise<void> {
  try {
    await checkPublicTarget(endpoint, allowPrivate);
  } catch (error) {
    if (error instanceof PublicTargetError) throw validationError([{ field: 'body.endpoint', message: error.message, code: error.reason }]);
    throw error;
  }
}

export function registerPushSubscriptionRoutes(api: ApiRouter, deps: { db: Db; keyRing: KeyRing; allowPrivateEndpoints: boolean }): void {
  api.post(
    '/push-subscriptions',
    {
      schema: {
        tags,
        summary: 'Subscribe a browser to Web Push messages',
        description:
          'The body is the browser\'s `PushSubscription` as JSON; registering the same endpoint again replaces its keys. ' +
          'An endpoint that resolves to a private, loopback or reserved address answers 400 `VALIDATION_ERROR` with ' +
          '`details[0].code` `non_public_address` (`unresolvable` when its host does not resolve).',
        body: pushSubscriptionBodySchema,
        response: { 201: envelopeSchema(subscriptionSchema) },
      },
      config: { access: { authenticated: true } },
    },
    async (request, reply) => {
      const tenantId = requireTenant(request);
      const customerId = customerOf(request, request.body.customer_id);
      await checkEndpoint(request.body.endpoint, deps.allowPrivateEndpoints);
      const id = await withTenant(deps.db, tenantId, async (trx) => {
        const customer = await trx
          .selectFrom('customers')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', customerId)
          .where('merged_into_id', 'is', null)
          .executeTakeFirst();
        if (!customer) throw new AppError('NOT_FOUND', 'Customer not found');
        return savePushSubscription(trx, deps.keyRing, tenantId, customerId, {
          endpoint: request.body.endpoint,
          keys: request.body.keys,
          userAgent: request.headers['user-agent']?.slice(0, 500) ?? null,
        });
      });
      return reply.code(201).send(ok({ id, customer_id: customerId }));
    },
  );

  api.delete(
    '/push-subscriptions',
    {
      schema: {
        tags,
        summary: 'Unsubscribe a browser from Web Push messages',
        body: pushUnsubscribeBodySchema,
        response: { 204: z.null().describe('Removed') },
      },
      config: { access: { authenticated: true } },
    },
    async (request, reply) => {
      const tenantId = requireTenant(request);
      const customerId = customerOf(request, request.body.customer_id);
      const removed = await withTenant(deps.db, tenantId, (trx) =>
        deletePushSubscriptionByEndpoint(trx, deps.keyRing, tenantId, customerId, request.body.endpoint),
      );
      if (!removed) throw new AppError('NOT_FOUND', 'No such subscription');
      return reply.code(204).send(null);
    },
  );
}
