import { z } from 'zod';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { mayReachResource } from '../../platform/http/location-scope.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import { idParamsSchema } from './schedules.schemas.ts';
import type { TimeBlocksService } from './time-blocks.service.ts';
import { timeBlockCreateSchema, timeBlockListQuerySchema, timeBlockSchema } from './time-blocks.schemas.ts';

const tags = ['Scheduling: time blocks'];

/**
 * Time blocks take a resource's time as a booking does, so they need what changing that
 * resource's bookings needs (`update Booking`, staff for their own resources; checked again on
 * the resource by the service) and are read with the bookings.
 */
export function registerTimeBlockRoutes(api: ApiRouter, blocks: TimeBlocksService): void {
  api.post(
    '/time-blocks',
    {
      schema: {
        tags,
        summary: 'Block part of a day of a resource (break, meeting, training)',
        description:
          'Availability stops offering the time at once. A block over a booking or another block is refused with 409 ' +
          '`BLOCK_OVERLAPS_BOOKING` (`details.reason` `overlaps_booking` or `overlaps_block`, with the ids): move or cancel ' +
          'the booking first. At most 24 hours long.',
        body: timeBlockCreateSchema,
        response: { 201: envelopeSchema(timeBlockSchema) },
      },
      config: { access: { permission: ['update', 'Booking'] } },
    },
    async (request, reply) => reply.code(201).send(ok(await blocks.create(requireTenant(request), request.auth, request.body))),
  );

  api.get(
    '/time-blocks',
    {
      schema: {
        tags,
        summary: 'Blocks of resources overlapping a time range (at most 62 days, 500 blocks)',
        querystring: timeBlockListQuerySchema,
        response: { 200: envelopeSchema(z.array(timeBlockSchema)) },
      },
      config: { access: { permission: ['read', 'Booking'] } },
    },
    async (request) => {
      const listed = await blocks.list(requireTenant(request), request.query);
      return ok(listed.filter((block) => mayReachResource(request.auth, block.resource_id)));
    },
  );

  api.delete(
    '/time-blocks/:id',
    {
      schema: { tags, summary: 'Remove a time block; its time is offered again', params: idParamsSchema, response: { 204: z.null().describe('Deleted') } },
      config: { access: { permission: ['update', 'Booking'] } },
    },
    async (request, reply) => {
      await blocks.remove(requireTenant(request), request.auth, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
