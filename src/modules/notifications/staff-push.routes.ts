import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { AppError, forbidden } from '../../platform/http/errors.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import { checkPublicTarget, PublicTargetError } from '../../platform/net/public-target.ts';
import {
  pushPublicKeySchema,
  staffPushSubscriptionBodySchema,
  staffPushSubscriptionParamsSchema,
  staffPushSubscriptionSchema,
} from './staff-push.schemas.ts';
import { deleteOwnStaffPushSubscription, saveStaffPushSubscription, staffPushSubscriptionsOf } from './staff-push-subscriptions.ts';

const tags = ['Notifications: my devices'];
const signedIn = { access: { authenticated: true } } as const;

export interface StaffPushRouteDeps {
  db: Db;
  keyRing: KeyRing;
  /** VAPID_PUBLIC_KEY when Web Push is configured (all three VAPID settings), else null. */
  vapidPublicKey: string | null;
  /** PUSH_ALLOW_PRIVATE: tests and a self-hosted push service on a private network. */
  allowPrivateEndpoints: boolean;
}

/**
 * The signed-in member whose devices these are. Only a person of the business: a customer has
 * `/push-subscriptions`, an API key is no one's phone, and a support impersonation must not leave
 * a device of the support agent receiving the member's notices after it ends.
 */
function memberOf(request: FastifyRequest): { tenantId: string; userId: string } {
  const auth = request.auth;
  if (!auth) throw new AppError('UNAUTHENTICATED', 'Sign in');
  if (auth.actor.type !== 'user' || auth.userId === null || auth.role === 'customer') {
    throw forbidden('Only members of the business register their devices here');
  }
  if (auth.attributes.impersonatedBy) throw forbidden('An impersonation session cannot register devices');
  return { tenantId: requireTenant(request), userId: auth.userId };
}

/**
 * Where notices will be POSTed, sent by a browser, that is by anyone: https only, and every
 * address it resolves to public (the guard webhooks use; checked again on every send), unless
 * private endpoints are allowed.
 */
async function checkEndpoint(endpoint: string, allowPrivate: boolean): Promise<void> {
  if (!allowPrivate && new URL(endpoint).protocol !== 'https:') {
    throw new AppError('PUSH_ENDPOINT_REFUSED', 'Push endpoints must use https', { field: 'body.endpoint', reason: 'not_https' });
  }
  try {
    await checkPublicTarget(endpoint, allowPrivate);
  } catch (error) {
    if (error instanceof PublicTargetError) throw new AppError('PUSH_ENDPOINT_REFUSED', `Push endpoint refused: ${error.message}`, { field: 'body.endpoint', reason: error.reason });
    throw error;
  }
}

/** A member's own devices for notices about bookings (new, confirmed, moved, cancelled), and the key browsers subscribe with. */
export function registerStaffPushRoutes(api: ApiRouter, deps: StaffPushRouteDeps): void {
  api.get(
    '/push/public-key',
    {
      schema: {
        tags,
        summary: 'The VAPID public key browsers subscribe with',
        description: 'Pass it as `applicationServerKey` to `PushManager.subscribe`. `public_key` is null when the server sends no Web Push.',
        response: { 200: envelopeSchema(pushPublicKeySchema) },
      },
      config: { access: { public: true, tenant: 'none' } },
    },
    async () => ok({ public_key: deps.vapidPublicKey }),
  );

  api.get(
    '/me/push-subscriptions',
    {
      schema: {
        tags,
        summary: 'My devices that receive booking notices',
        response: { 200: envelopeSchema(z.array(staffPushSubscriptionSchema)) },
      },
      config: signedIn,
    },
    async (request) => {
      const { tenantId, userId } = memberOf(request);
      return ok(await withTenant(deps.db, tenantId, (trx) => staffPushSubscriptionsOf(trx, deps.keyRing, tenantId, userId)));
    },
  );

  api.post(
    '/me/push-subscriptions',
    {
      schema: {
        tags,
        summary: 'Receive booking notices on this device',
        description:
          'The body is the browser\'s `PushSubscription` as JSON; the same endpoint again replaces its keys (and moves it to the caller). ' +
          'Notices go out when a booking the caller may read is created, confirmed, moved or cancelled. An endpoint that is not https ' +
          'or resolves to a private, loopback or reserved address answers 422 `PUSH_ENDPOINT_REFUSED` with `details.reason` ' +
          '(`not_https`, `non_public_address`, `unresolvable`).',
        body: staffPushSubscriptionBodySchema,
        response: { 201: envelopeSchema(staffPushSubscriptionSchema) },
      },
      config: signedIn,
    },
    async (request, reply) => {
      const { tenantId, userId } = memberOf(request);
      await checkEndpoint(request.body.endpoint, deps.allowPrivateEndpoints);
      const saved = await withTenant(deps.db, tenantId, (trx) =>
        saveStaffPushSubscription(trx, deps.keyRing, tenantId, userId, {
          endpoint: request.body.endpoint,
          keys: request.body.keys,
          userAgent: request.headers['user-agent']?.slice(0, 500) ?? null,
        }),
      );
      return reply.code(201).send(ok(saved));
    },
  );

  api.delete(
    '/me/push-subscriptions/:id',
    {
      schema: {
        tags,
        summary: 'Stop booking notices on one of my devices',
        description: "Another member's subscription, or another business's, answers 404.",
        params: staffPushSubscriptionParamsSchema,
        response: { 204: z.null().describe('Removed') },
      },
      config: signedIn,
    },
    async (request, reply) => {
      const { tenantId, userId } = memberOf(request);
      const removed = await withTenant(deps.db, tenantId, (trx) => deleteOwnStaffPushSubscription(trx, tenantId, userId, request.params.id));
      if (!removed) throw new AppError('NOT_FOUND', 'No such subscription');
      return reply.code(204).send(null);
    },
  );
}
