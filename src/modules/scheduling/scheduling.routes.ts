import { z } from 'zod';
import type { ApiRouter } from '../../platform/http/server.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { FastifyRequest } from 'fastify';
import { assertLocationInScope, assertResourceInScope, resourceFilterOf } from '../../platform/http/location-scope.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import {
  closureCreateSchema,
  closureListQuerySchema,
  closureParamsSchema,
  closureSchema,
  exceptionCreateSchema,
  exceptionListQuerySchema,
  exceptionSchema,
  exceptionUpdateSchema,
  idParamsSchema,
  scheduleCreateSchema,
  scheduleListQuerySchema,
  scheduleSchema,
  scheduleUpdateSchema,
} from './schedules.schemas.ts';
import { availabilityQuerySchema, availabilitySchema } from './availability.schemas.ts';
import type { AvailabilityService } from './availability.service.ts';
import type { LocationClosuresService } from './location-closures.service.ts';
import type { ScheduleExceptionsService } from './schedule-exceptions.service.ts';
import type { SchedulesService } from './schedules.service.ts';

export interface SchedulingServices {
  schedules: SchedulesService;
  exceptions: ScheduleExceptionsService;
  closures: LocationClosuresService;
  availability: AvailabilityService;
}

const deleted = { 204: z.null().describe('Deleted') };

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const ENVELOPE_HEAD = Buffer.from('{"success":true,"data":', 'utf8');

/**
 * `JSON.stringify(ok(data))` as bytes, for data that already is UTF-8 JSON (see `ok`
 * in platform/http/envelope.ts): the same text, assembled with one copy.
 */
export function successEnvelopeBytes(dataJson: Buffer): Buffer {
  const tail = Buffer.from(`,"metadata":{"timestamp":"${new Date().toISOString()}"}}`, 'utf8');
  return Buffer.concat([ENVELOPE_HEAD, dataJson, tail], ENVELOPE_HEAD.length + dataJson.length + tail.length);
}

export function registerSchedulingRoutes(api: ApiRouter, services: SchedulingServices): void {
  const { schedules, exceptions, closures, availability } = services;

  api.get(
    '/availability',
    {
      schema: {
        tags: ['Availability'],
        summary: 'Bookable slots of a service',
        description:
          'Public with X-Tenant, or with a credential. Dates are local to each resource\'s location, inclusive, ' +
          'at most 62 days. Slots lie inside working hours at slot_interval_minutes steps from the start of each ' +
          'working interval; unavailable ones overlap an active booking (buffers included) or are full. ' +
          'Two-resource services are available only when a resource of every required group is free too.',
        querystring: availabilityQuerySchema,
        response: { 200: envelopeSchema(availabilitySchema) },
      },
      config: { access: { public: true, tenant: 'required' } },
      // The answer is built from typed values (AvailabilityView); re-validating ~1,000 slots
      // with zod on every response was the largest CPU cost in the benchmark profile.
      serializerCompiler: () => (data) => JSON.stringify(data),
    },
    async (request, reply) => {
      const data = await availability.getAvailabilityJson(requireTenant(request), request.query, { public: request.auth === null, ip: request.ip });
      // The answer is already JSON (a cache hit is the stored bytes): wrap it in the
      // success envelope by hand, byte for byte what JSON.stringify(ok(view)) prints.
      // A Buffer is sent as it is, without the serializer.
      return reply.type(JSON_CONTENT_TYPE).send(successEnvelopeBytes(data) as never);
    },
  );

  // A location-scoped member reaches schedules and exceptions of their locations' resources only; the
  // others answer 404, as if absent.
  const scheduleInScope = async (request: FastifyRequest, id: string) => {
    const schedule = await schedules.get(requireTenant(request), id);
    assertResourceInScope(request.auth, schedule.resource_id, 'Schedule');
    return schedule;
  };
  const exceptionInScope = async (request: FastifyRequest, id: string) => {
    const exception = await exceptions.get(requireTenant(request), id);
    assertResourceInScope(request.auth, exception.resource_id, 'Schedule exception');
    return exception;
  };

  const scheduleTags = ['Scheduling: schedules'];
  api.post(
    '/schedules',
    {
      schema: { tags: scheduleTags, summary: 'Create a schedule', body: scheduleCreateSchema, response: { 201: envelopeSchema(scheduleSchema) } },
      config: { access: { permission: ['create', 'Schedule'] } },
    },
    async (request, reply) => {
      assertResourceInScope(request.auth, request.body.resource_id);
      return reply.code(201).send(ok(await schedules.create(requireTenant(request), request.body)));
    },
  );
  api.get(
    '/schedules',
    {
      schema: { tags: scheduleTags, summary: 'List schedules', querystring: scheduleListQuerySchema, response: { 200: envelopeSchema(z.array(scheduleSchema)) } },
      config: { access: { permission: ['read', 'Schedule'] } },
    },
    async (request) => {
      const page = await schedules.list(requireTenant(request), request.query, resourceFilterOf(request.auth));
      return ok(page.items, page.pagination);
    },
  );
  api.get(
    '/schedules/:id',
    {
      schema: { tags: scheduleTags, summary: 'Get a schedule', params: idParamsSchema, response: { 200: envelopeSchema(scheduleSchema) } },
      config: { access: { permission: ['read', 'Schedule'] } },
    },
    async (request) => ok(await scheduleInScope(request, request.params.id)),
  );
  api.patch(
    '/schedules/:id',
    {
      schema: { tags: scheduleTags, summary: 'Update a schedule', params: idParamsSchema, body: scheduleUpdateSchema, response: { 200: envelopeSchema(scheduleSchema) } },
      config: { access: { permission: ['update', 'Schedule'] } },
    },
    async (request) => {
      await scheduleInScope(request, request.params.id);
      return ok(await schedules.update(requireTenant(request), request.params.id, request.body));
    },
  );
  api.delete(
    '/schedules/:id',
    {
      schema: { tags: scheduleTags, summary: 'Delete a schedule', params: idParamsSchema, response: deleted },
      config: { access: { permission: ['delete', 'Schedule'] } },
    },
    async (request, reply) => {
      await scheduleInScope(request, request.params.id);
      await schedules.remove(requireTenant(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  const exceptionTags = ['Scheduling: exceptions'];
  api.post(
    '/schedule-exceptions',
    {
      schema: { tags: exceptionTags, summary: 'Create a schedule exception', body: exceptionCreateSchema, response: { 201: envelopeSchema(exceptionSchema) } },
      config: { access: { permission: ['create', 'Schedule'] } },
    },
    async (request, reply) => {
      assertResourceInScope(request.auth, request.body.resource_id);
      return reply.code(201).send(ok(await exceptions.create(requireTenant(request), request.auth?.userId ?? null, request.body)));
    },
  );
  api.get(
    '/schedule-exceptions',
    {
      schema: { tags: exceptionTags, summary: 'List schedule exceptions (by date)', querystring: exceptionListQuerySchema, response: { 200: envelopeSchema(z.array(exceptionSchema)) } },
      config: { access: { permission: ['read', 'Schedule'] } },
    },
    async (request) => {
      const page = await exceptions.list(requireTenant(request), request.query, resourceFilterOf(request.auth));
      return ok(page.items, page.pagination);
    },
  );
  api.get(
    '/schedule-exceptions/:id',
    {
      schema: { tags: exceptionTags, summary: 'Get a schedule exception', params: idParamsSchema, response: { 200: envelopeSchema(exceptionSchema) } },
      config: { access: { permission: ['read', 'Schedule'] } },
    },
    async (request) => ok(await exceptionInScope(request, request.params.id)),
  );
  api.patch(
    '/schedule-exceptions/:id',
    {
      schema: { tags: exceptionTags, summary: 'Update a schedule exception', params: idParamsSchema, body: exceptionUpdateSchema, response: { 200: envelopeSchema(exceptionSchema) } },
      config: { access: { permission: ['update', 'Schedule'] } },
    },
    async (request) => {
      await exceptionInScope(request, request.params.id);
      return ok(await exceptions.update(requireTenant(request), request.params.id, request.body));
    },
  );
  api.delete(
    '/schedule-exceptions/:id',
    {
      schema: { tags: exceptionTags, summary: 'Delete a schedule exception', params: idParamsSchema, response: deleted },
      config: { access: { permission: ['delete', 'Schedule'] } },
    },
    async (request, reply) => {
      await exceptionInScope(request, request.params.id);
      await exceptions.remove(requireTenant(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  const closureTags = ['Scheduling: location closures'];
  api.post(
    '/locations/:id/closures',
    {
      schema: {
        tags: closureTags,
        summary: 'Close a location for a local date',
        description: 'A public holiday: every resource of the location is off that day. One closure per date (409 on a duplicate).',
        params: idParamsSchema,
        body: closureCreateSchema,
        response: { 201: envelopeSchema(closureSchema) },
      },
      config: { access: { permission: ['update', 'Location'] } },
    },
    async (request, reply) => {
      assertLocationInScope(request.auth, request.params.id);
      return reply.code(201).send(ok(await closures.create(requireTenant(request), request.params.id, request.body)));
    },
  );
  api.get(
    '/locations/:id/closures',
    {
      schema: { tags: closureTags, summary: 'List closures of a location', params: idParamsSchema, querystring: closureListQuerySchema, response: { 200: envelopeSchema(z.array(closureSchema)) } },
      config: { access: { permission: ['read', 'Location'] } },
    },
    async (request) => {
      assertLocationInScope(request.auth, request.params.id);
      return ok(await closures.list(requireTenant(request), request.params.id, request.query));
    },
  );
  api.delete(
    '/locations/:id/closures/:closure_id',
    {
      schema: { tags: closureTags, summary: 'Reopen a closed date', params: closureParamsSchema, response: deleted },
      config: { access: { permission: ['update', 'Location'] } },
    },
    async (request, reply) => {
      assertLocationInScope(request.auth, request.params.id);
      await closures.remove(requireTenant(request), request.params.id, request.params.closure_id);
      return reply.code(204).send(null);
    },
  );
}
