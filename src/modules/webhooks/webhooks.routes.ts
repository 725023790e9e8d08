import { z } from 'zod';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import type { WebhookDeliveriesService } from './webhook-deliveries.service.ts';
import type { WebhookEndpointsService } from './webhook-endpoints.service.ts';
import {
  createEndpointBodySchema,
  deliverySchema,
  endpointSchema,
  endpointWithSecretSchema,
  idParamsSchema,
  listDeliveriesQuerySchema,
  listEndpointsQuerySchema,
  rotateSecretBodySchema,
  updateEndpointBodySchema,
} from './webhooks.schemas.ts';

const tags = ['Webhooks'];
const manage = { access: { permission: ['manage', 'WebhookEndpoint'] as const } };
const read = { access: { permission: ['read', 'WebhookEndpoint'] as const } };

/** Outgoing webhook endpoints and their delivery log (API.md "Outgoing webhooks"). */
export function registerWebhookRoutes(
  api: ApiRouter,
  services: { endpoints: WebhookEndpointsService; deliveries: WebhookDeliveriesService },
): void {
  api.post(
    '/webhook-endpoints',
    {
      schema: {
        tags,
        summary: 'Create a webhook endpoint (the signing secret is shown once)',
        body: createEndpointBodySchema,
        response: { 201: envelopeSchema(endpointWithSecretSchema) },
      },
      config: manage,
    },
    async (request, reply) => reply.code(201).send(ok(await services.endpoints.create(requireTenant(request), request.body))),
  );

  api.get(
    '/webhook-endpoints',
    {
      schema: { tags, summary: 'List webhook endpoints', querystring: listEndpointsQuerySchema, response: { 200: envelopeSchema(z.array(endpointSchema)) } },
      config: read,
    },
    async (request) => {
      const page = await services.endpoints.list(requireTenant(request), request.query);
      return ok(page.items, page.pagination);
    },
  );

  api.get(
    '/webhook-endpoints/:id',
    {
      schema: { tags, summary: 'Get a webhook endpoint', params: idParamsSchema, response: { 200: envelopeSchema(endpointSchema) } },
      config: read,
    },
    async (request) => ok(await services.endpoints.get(requireTenant(request), request.params.id)),
  );

  api.patch(
    '/webhook-endpoints/:id',
    {
      schema: {
        tags,
        summary: 'Change a webhook endpoint (url, events, description, enabled/disabled)',
        params: idParamsSchema,
        body: updateEndpointBodySchema,
        response: { 200: envelopeSchema(endpointSchema) },
      },
      config: manage,
    },
    async (request) => ok(await services.endpoints.update(requireTenant(request), request.params.id, request.body)),
  );

  api.delete(
    '/webhook-endpoints/:id',
    { schema: { tags, summary: 'Delete a webhook endpoint', params: idParamsSchema }, config: manage },
    async (request, reply) => {
      await services.endpoints.remove(requireTenant(request), request.params.id);
      return reply.code(204).send();
    },
  );

  api.post(
    '/webhook-endpoints/:id/rotate-secret',
    {
      schema: {
        tags,
        summary: 'Rotate the signing secret; the previous one keeps signing during the overlap',
        params: idParamsSchema,
        body: rotateSecretBodySchema,
        response: { 200: envelopeSchema(endpointWithSecretSchema) },
      },
      config: manage,
    },
    async (request) =>
      ok(await services.endpoints.rotateSecret(requireTenant(request), request.params.id, request.body.overlap_hours)),
  );

  api.get(
    '/webhook-endpoints/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'Deliveries of an endpoint, newest first, with every attempt’s request and response',
        params: idParamsSchema,
        querystring: listDeliveriesQuerySchema,
        response: { 200: envelopeSchema(z.array(deliverySchema)) },
      },
      config: read,
    },
    async (request) => {
      const page = await services.deliveries.list(requireTenant(request), request.params.id, request.query);
      return ok(page.items, page.pagination);
    },
  );

  api.post(
    '/webhook-deliveries/:id/replay',
    {
      schema: {
        tags,
        summary: 'Send a delivery again',
        params: idParamsSchema,
        response: { 202: envelopeSchema(deliverySchema) },
      },
      config: manage,
    },
    async (request, reply) => reply.code(202).send(ok(await services.deliveries.replay(requireTenant(request), request.params.id))),
  );
}
