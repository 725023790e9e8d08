import { z } from 'zod';
import { moneySchema } from '../../platform/money.ts';
import { localDateSchema } from './schedules.schemas.ts';

/** The longest range one availability request may ask for, in local dates (inclusive). */
export const MAX_AVAILABILITY_DAYS = 62;

export const availabilityQuerySchema = z.object({
  service_id: z.uuid(),
  resource_id: z.uuid().optional().describe('Omit for every resource that delivers the service'),
  from_date: localDateSchema.describe('First local date, inclusive'),
  to_date: localDateSchema.describe(`Last local date, inclusive; at most ${MAX_AVAILABILITY_DAYS} days after from_date`),
  duration_minutes: z.coerce.number().int().min(1).max(1440).optional().describe('Overrides the service duration; public callers (no credential) may only lengthen it'),
});
export type AvailabilityQuery = z.infer<typeof availabilityQuerySchema>;

const slotSchema = z.object({
  start_time: z.string().describe('ISO 8601 with the location\'s UTC offset'),
  end_time: z.string().describe('Appointment end, buffers excluded'),
  available: z.boolean(),
  places_left: z.int().optional().describe('Only for services and resources with capacity > 1'),
  price: moneySchema.optional().describe('Only when the service has price tiers: the tier that applies at this start'),
});

export const availabilitySchema = z.object({
  service: z.object({
    id: z.uuid(),
    name: z.string(),
    duration_minutes: z.int(),
    buffer_before_minutes: z.int(),
    buffer_after_minutes: z.int(),
    slot_interval_minutes: z.int(),
    capacity: z.int(),
    min_notice_minutes: z.int(),
    max_advance_days: z.int(),
    price: moneySchema,
  }),
  resources: z.array(
    z.object({
      resource: z.object({ id: z.uuid(), name: z.string(), type: z.string(), location_id: z.uuid() }),
      timezone: z.string(),
      dates: z.array(z.object({ date: z.string(), slots: z.array(slotSchema) })),
    }),
  ),
  business_hours: z
    .array(
      z.object({
        location_id: z.uuid(),
        timezone: z.string(),
        dates: z.array(z.object({ date: z.string(), hours: z.array(z.object({ start_time: z.string(), end_time: z.string() })) })),
      }),
    )
    .describe('Per location and local date: when at least one of the listed resources works'),
});
export type AvailabilityView = z.infer<typeof availabilitySchema>;
