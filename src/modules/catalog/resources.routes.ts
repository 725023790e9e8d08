import { z } from 'zod';
import type { ApiRouter } from '../../platform/http/server.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { assertLocationInScope, assertResourceInScope, locationFilterOf } from '../../platform/http/location-scope.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import {
  resourceCreateSchema,
  resourceListQuerySchema,
  resourceSchema,
  resourceUpdateSchema,
} from './resources.schemas.ts';
import { idParamsSchema } from './locations.schemas.ts';
import type { ResourcesService } from './resources.service.ts';

const tags = ['Catalog: resources'];

export function registerResourceRoutes(api: ApiRouter, resources: ResourcesService): void {
  api.post(
    '/resources',
    {
      schema: { tags, summary: 'Create a resource', body: resourceCreateSchema, response: { 201: envelopeSchema(resourceSchema) } },
      config: { access: { permission: ['create', 'Resource'] } },
    },
    async (request, reply) => {
      // Another location than a scoped member's own is, for them, a location that does not exist.
      assertLocationInScope(request.auth, request.body.location_id);
      return reply.code(201).send(ok(await resources.create(requireTenant(request), request.body)));
    },
  );

  api.get(
    '/resources',
    {
      schema: { tags, summary: 'List resources', querystring: resourceListQuerySchema, response: { 200: envelopeSchema(z.array(resourceSchema)) } },
      config: { access: { permission: ['read', 'Resource'] } },
    },
    async (request) => {
      const page = await resources.list(requireTenant(request), request.query, locationFilterOf(request.auth));
      return ok(page.items, page.pagination);
    },
  );

  api.get(
    '/resources/:id',
    {
      schema: { tags, summary: 'Get a resource', params: idParamsSchema, response: { 200: envelopeSchema(resourceSchema) } },
      config: { access: { permission: ['read', 'Resource'] } },
    },
    async (request) => {
      assertResourceInScope(request.auth, request.params.id);
      return ok(await resources.get(requireTenant(request), request.params.id));
    },
  );

  api.patch(
    '/resources/:id',
    {
      schema: { tags, summary: 'Update a resource', params: idParamsSchema, body: resourceUpdateSchema, response: { 200: envelopeSchema(resourceSchema) } },
      config: { access: { permission: ['update', 'Resource'] } },
    },
    async (request) => {
      assertResourceInScope(request.auth, request.params.id);
      if (request.body.location_id !== undefined) assertLocationInScope(request.auth, request.body.location_id);
      return ok(await resources.update(requireTenant(request), request.params.id, request.body));
    },
  );

  api.delete(
    '/resources/:id',
    {
      schema: {
        tags,
        summary: 'Delete a resource',
        description: 'Answers 204 when deleted; 200 with the resource, now `archived`, when allocations of bookings still refer to it.',
        params: idParamsSchema,
        response: { 200: envelopeSchema(resourceSchema), 204: z.null().describe('Deleted') },
      },
      config: { access: { permission: ['delete', 'Resource'] } },
    },
    async (request, reply) => {
      const tenantId = requireTenant(request);
      assertResourceInScope(request.auth, request.params.id);
      const outcome = await resources.remove(tenantId, request.params.id);
      if (outcome === 'deleted') return reply.code(204).send(null);
      return ok(await resources.get(tenantId, request.params.id));
    },
  );
}
