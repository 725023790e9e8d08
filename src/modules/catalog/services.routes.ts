import { z } from 'zod';
import type { ApiRouter } from '../../platform/http/server.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { assertResourceInScope, locationScopeOf, mayReachResource } from '../../platform/http/location-scope.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import { idParamsSchema } from './locations.schemas.ts';
import {
  pricingTierInputSchema,
  pricingTierSchema,
  serviceCreateSchema,
  serviceListQuerySchema,
  serviceSchema,
  serviceUpdateSchema,
  tierParamsSchema,
} from './services.schemas.ts';
import type { ServicesService } from './services.service.ts';
import type { ServiceView } from './services.schemas.ts';

const tags = ['Catalog: services'];

/**
 * Services are shared by every location, their resources are not: a location-scoped member sees only
 * the resources of theirs among a service's, and may link only those (another's is absent: 404).
 */
function scopedView(auth: AuthContext | null, view: ServiceView): ServiceView {
  return locationScopeOf(auth) === null ? view : { ...view, resource_ids: view.resource_ids.filter((id) => mayReachResource(auth, id)) };
}

export function registerServiceRoutes(api: ApiRouter, services: ServicesService): void {
  api.post(
    '/services',
    {
      schema: { tags, summary: 'Create a service', body: serviceCreateSchema, response: { 201: envelopeSchema(serviceSchema) } },
      config: { access: { permission: ['create', 'Service'] } },
    },
    async (request, reply) => {
      for (const resourceId of request.body.resource_ids) assertResourceInScope(request.auth, resourceId);
      return reply.code(201).send(ok(scopedView(request.auth, await services.create(requireTenant(request), request.body))));
    },
  );

  api.get(
    '/services',
    {
      schema: { tags, summary: 'List services', querystring: serviceListQuerySchema, response: { 200: envelopeSchema(z.array(serviceSchema)) } },
      config: { access: { permission: ['read', 'Service'] } },
    },
    async (request) => {
      const page = await services.list(requireTenant(request), request.query);
      return ok(page.items.map((view) => scopedView(request.auth, view)), page.pagination);
    },
  );

  api.get(
    '/services/:id',
    {
      schema: { tags, summary: 'Get a service', params: idParamsSchema, response: { 200: envelopeSchema(serviceSchema) } },
      config: { access: { permission: ['read', 'Service'] } },
    },
    async (request) => ok(scopedView(request.auth, await services.get(requireTenant(request), request.params.id))),
  );

  api.patch(
    '/services/:id',
    {
      schema: { tags, summary: 'Update a service', params: idParamsSchema, body: serviceUpdateSchema, response: { 200: envelopeSchema(serviceSchema) } },
      config: { access: { permission: ['update', 'Service'] } },
    },
    async (request) => {
      const tenantId = requireTenant(request);
      let patch = request.body;
      if (locationScopeOf(request.auth) !== null && patch.resource_ids !== undefined) {
        for (const resourceId of patch.resource_ids) assertResourceInScope(request.auth, resourceId);
        // The list replaces the whole one: the other locations' resources, unseen by this member, stay linked.
        const others = (await services.get(tenantId, request.params.id)).resource_ids.filter((id) => !mayReachResource(request.auth, id));
        patch = { ...patch, resource_ids: [...patch.resource_ids, ...others] };
      }
      return ok(scopedView(request.auth, await services.update(tenantId, request.params.id, patch)));
    },
  );

  api.delete(
    '/services/:id',
    {
      schema: {
        tags,
        summary: 'Delete a service',
        description: 'Answers 204 when deleted; 200 with the service, now `archived`, when bookings refer to it.',
        params: idParamsSchema,
        response: { 200: envelopeSchema(serviceSchema), 204: z.null().describe('Deleted') },
      },
      config: { access: { permission: ['delete', 'Service'] } },
    },
    async (request, reply) => {
      const tenantId = requireTenant(request);
      const outcome = await services.remove(tenantId, request.params.id);
      if (outcome === 'deleted') return reply.code(204).send(null);
      return ok(await services.get(tenantId, request.params.id));
    },
  );

  api.get(
    '/services/:id/pricing',
    {
      schema: {
        tags,
        summary: 'List the price tiers of a service',
        description: 'The price of a slot is the tier that applies at its start (see catalog/pricing.ts `priceForSlot`).',
        params: idParamsSchema,
        response: { 200: envelopeSchema(z.array(pricingTierSchema)) },
      },
      config: { access: { permission: ['read', 'Service'] } },
    },
    async (request) => ok(await services.listTiers(requireTenant(request), request.params.id)),
  );

  api.post(
    '/services/:id/pricing',
    {
      schema: { tags, summary: 'Add a price tier', params: idParamsSchema, body: pricingTierInputSchema, response: { 201: envelopeSchema(pricingTierSchema) } },
      config: { access: { permission: ['update', 'Service'] } },
    },
    async (request, reply) =>
      reply.code(201).send(ok(await services.addTier(requireTenant(request), request.params.id, request.body))),
  );

  api.put(
    '/services/:id/pricing/:tier_id',
    {
      schema: { tags, summary: 'Replace a price tier', params: tierParamsSchema, body: pricingTierInputSchema, response: { 200: envelopeSchema(pricingTierSchema) } },
      config: { access: { permission: ['update', 'Service'] } },
    },
    async (request) =>
      ok(await services.replaceTier(requireTenant(request), request.params.id, request.params.tier_id, request.body)),
  );

  api.delete(
    '/services/:id/pricing/:tier_id',
    {
      schema: { tags, summary: 'Delete a price tier', params: tierParamsSchema, response: { 204: z.null().describe('Deleted') } },
      config: { access: { permission: ['update', 'Service'] } },
    },
    async (request, reply) => {
      await services.removeTier(requireTenant(request), request.params.id, request.params.tier_id);
      return reply.code(204).send(null);
    },
  );
}
