import { z } from 'zod';
import { pageQuerySchema } from '../../platform/http/pagination.ts';
import { WEBHOOK_EVENT_TYPES } from './webhook-events.ts';

const eventsSchema = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((events) => new Set(events).size === events.length, 'each event type once');

export const createEndpointBodySchema = z.object({
  url: z.string().trim().url().max(2048),
  events: eventsSchema,
  description: z.string().trim().max(500).optional(),
});
export type CreateEndpointBody = z.infer<typeof createEndpointBodySchema>;

export const updateEndpointBodySchema = z
  .object({
    url: z.string().trim().url().max(2048).optional(),
    events: eventsSchema.optional(),
    description: z.string().trim().max(500).nullable().optional(),
    status: z.enum(['enabled', 'disabled']).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');
export type UpdateEndpointBody = z.infer<typeof updateEndpointBodySchema>;

export const rotateSecretBodySchema = z
  .object({
    /** How long the previous secret keeps signing next to the new one. */
    overlap_hours: z.number().int().min(0).max(168).default(24),
  })
  .default({ overlap_hours: 24 });

export const endpointSchema = z.object({
  id: z.string().uuid(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.string()),
  status: z.enum(['enabled', 'disabled']),
  disabled_reason: z.string().nullable(),
  disabled_at: z.string().nullable(),
  failing_since: z.string().nullable(),
  last_success_at: z.string().nullable(),
  previous_secret_expires_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type WebhookEndpoint = z.infer<typeof endpointSchema>;

export const endpointWithSecretSchema = endpointSchema.extend({
  /** Shown once; store it to verify signatures. */
  secret: z.string(),
});

export const attemptSchema = z.object({
  attempt: z.number().int(),
  started_at: z.string(),
  duration_ms: z.number().int(),
  request: z.object({ url: z.string(), headers: z.record(z.string(), z.string()) }),
  response: z
    .object({ status: z.number().int(), headers: z.record(z.string(), z.string()), body: z.string() })
    .nullable(),
  error: z.string().nullable(),
});

export const deliverySchema = z.object({
  id: z.string().uuid(),
  endpoint_id: z.string().uuid(),
  event_id: z.string().uuid(),
  event_type: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.number().int(),
  replays: z.number().int(),
  next_attempt_at: z.string().nullable(),
  last_attempt_at: z.string().nullable(),
  last_response_status: z.number().int().nullable(),
  last_error: z.string().nullable(),
  /** The JSON body sent on every attempt. */
  request_body: z.string(),
  attempt_log: z.array(attemptSchema),
  created_at: z.string(),
});
export type WebhookDelivery = z.infer<typeof deliverySchema>;

export const idParamsSchema = z.object({ id: z.string().uuid() });
export const listDeliveriesQuerySchema = pageQuerySchema.extend({
  status: z.enum(['pending', 'succeeded', 'failed']).optional(),
});
export const listEndpointsQuerySchema = pageQuerySchema;
