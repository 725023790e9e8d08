import { z } from 'zod';
import { pageQuerySchema } from '../../platform/http/pagination.ts';

export const createFeedBodySchema = z
  .object({
    kind: z.enum(['resource', 'customer']),
    resource_id: z.string().uuid().optional(),
    customer_id: z.string().uuid().optional(),
    name: z.string().trim().min(1).max(255).optional(),
  })
  .superRefine((body, context) => {
    if (body.kind === 'resource' && body.resource_id === undefined) {
      context.addIssue({ code: 'custom', path: ['resource_id'], message: 'required for a resource feed' });
    }
    if (body.kind === 'customer' && body.customer_id === undefined) {
      context.addIssue({ code: 'custom', path: ['customer_id'], message: 'required for a customer feed' });
    }
  });
export type CreateFeedBody = z.infer<typeof createFeedBodySchema>;

export const feedSchema = z.object({
  id: z.string().uuid(),
  kind: z.enum(['resource', 'customer']),
  resource_id: z.string().uuid().nullable(),
  customer_id: z.string().uuid().nullable(),
  name: z.string().nullable(),
  status: z.enum(['active', 'revoked']),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
});
export type Feed = z.infer<typeof feedSchema>;

export const createdFeedSchema = feedSchema.extend({
  /** Shown once: the token is stored only as a hash. */
  token: z.string(),
  url: z.string(),
});

export const feedIdParamsSchema = z.object({ id: z.string().uuid() });
export const listFeedsQuerySchema = pageQuerySchema;
