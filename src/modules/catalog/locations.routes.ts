import { z } from 'zod';
import type { ApiRouter } from '../../platform/http/server.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { assertLocationInScope, locationFilterOf } from '../../platform/http/location-scope.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import {
  idParamsSchema,
  locationCreateSchema,
  locationListQuerySchema,
  locationSchema,
  locationUpdateSchema,
} from './locations.schemas.ts';
import type { LocationsService } from './locations.service.ts';

const tags = ['Catalog: locations'];

export function registerLocationRoutes(api: ApiRouter, locations: LocationsService): void {
  api.post(
    '/locations',
    {
      schema: { tags, summary: 'Create a location', body: locationCreateSchema, response: { 201: envelopeSchema(locationSchema) } },
      config: { access: { permission: ['create', 'Location'] } },
    },
    // A member limited to some locations holds no `create Location` (identity's scopeRulesToLocations): 403 here.
    async (request, reply) => reply.code(201).send(ok(await locations.create(requireTenant(request), request.body))),
  );

  api.get(
    '/locations',
    {
      schema: { tags, summary: 'List locations', querystring: locationListQuerySchema, response: { 200: envelopeSchema(z.array(locationSchema)) } },
      config: { access: { permission: ['read', 'Location'] } },
    },
    async (request) => {
      const page = await locations.list(requireTenant(request), request.query, locationFilterOf(request.auth));
      return ok(page.items, page.pagination);
    },
  );

  api.get(
    '/locations/:id',
    {
      schema: { tags, summary: 'Get a location', params: idParamsSchema, response: { 200: envelopeSchema(locationSchema) } },
      config: { access: { permission: ['read', 'Location'] } },
    },
    async (request) => {
      assertLocationInScope(request.auth, request.params.id);
      return ok(await locations.get(requireTenant(request), request.params.id));
    },
  );

  api.patch(
    '/locations/:id',
    {
      schema: { tags, summary: 'Update a location', params: idParamsSchema, body: locationUpdateSchema, response: { 200: envelopeSchema(locationSchema) } },
      config: { access: { permission: ['update', 'Location'] } },
    },
    async (request) => {
      assertLocationInScope(request.auth, request.params.id);
      return ok(await locations.update(requireTenant(request), request.params.id, request.body));
    },
  );

  api.delete(
    '/locations/:id',
    {
      schema: {
        tags,
        summary: 'Delete a location',
        description: 'Answers 204 when deleted; 200 with the location, now `archived`, when resources still belong to it.',
        params: idParamsSchema,
        response: { 200: envelopeSchema(locationSchema), 204: z.null().describe('Deleted') },
      },
      config: { access: { permission: ['delete', 'Location'] } },
    },
    async (request, reply) => {
      const tenantId = requireTenant(request);
      assertLocationInScope(request.auth, request.params.id);
      const outcome = await locations.remove(tenantId, request.params.id);
      if (outcome === 'deleted') return reply.code(204).send(null);
      return ok(await locations.get(tenantId, request.params.id));
    },
  );
}
