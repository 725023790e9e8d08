import { z } from 'zod';
import type { ApiRouter } from '../../platform/http/server.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import {
  categoryCreateSchema,
  categoryListQuerySchema,
  categorySchema,
  categoryUpdateSchema,
} from './categories.schemas.ts';
import { idParamsSchema } from './locations.schemas.ts';
import type { CategoriesService } from './categories.service.ts';

const tags = ['Catalog: service categories'];

export function registerCategoryRoutes(api: ApiRouter, categories: CategoriesService): void {
  api.post(
    '/service-categories',
    {
      schema: { tags, summary: 'Create a service category', body: categoryCreateSchema, response: { 201: envelopeSchema(categorySchema) } },
      config: { access: { permission: ['create', 'Service'] } },
    },
    async (request, reply) => reply.code(201).send(ok(await categories.create(requireTenant(request), request.body))),
  );

  api.get(
    '/service-categories',
    {
      schema: { tags, summary: 'List service categories (by sort_order)', querystring: categoryListQuerySchema, response: { 200: envelopeSchema(z.array(categorySchema)) } },
      config: { access: { permission: ['read', 'Service'] } },
    },
    async (request) => {
      const page = await categories.list(requireTenant(request), request.query);
      return ok(page.items, page.pagination);
    },
  );

  api.get(
    '/service-categories/:id',
    {
      schema: { tags, summary: 'Get a service category', params: idParamsSchema, response: { 200: envelopeSchema(categorySchema) } },
      config: { access: { permission: ['read', 'Service'] } },
    },
    async (request) => ok(await categories.get(requireTenant(request), request.params.id)),
  );

  api.patch(
    '/service-categories/:id',
    {
      schema: { tags, summary: 'Update a service category', params: idParamsSchema, body: categoryUpdateSchema, response: { 200: envelopeSchema(categorySchema) } },
      config: { access: { permission: ['update', 'Service'] } },
    },
    async (request) => ok(await categories.update(requireTenant(request), request.params.id, request.body)),
  );

  api.delete(
    '/service-categories/:id',
    {
      schema: {
        tags,
        summary: 'Delete a service category',
        description: 'Answers 204 when deleted; 200 with the category, now `archived`, while services still belong to it.',
        params: idParamsSchema,
        response: { 200: envelopeSchema(categorySchema), 204: z.null().describe('Deleted') },
      },
      config: { access: { permission: ['delete', 'Service'] } },
    },
    async (request, reply) => {
      const tenantId = requireTenant(request);
      const outcome = await categories.remove(tenantId, request.params.id);
      if (outcome === 'deleted') return reply.code(204).send(null);
      return ok(await categories.get(tenantId, request.params.id));
    },
  );
}
