import { z } from 'zod';

export const timeBlockReasonSchema = z.enum(['break', 'meeting', 'training', 'other']);

export const timeBlockCreateSchema = z.strictObject({
  resource_id: z.uuid(),
  starts_at: z.iso.datetime({ offset: true }).describe('Instant with offset; the dashboard sends the location\'s wall clock'),
  ends_at: z.iso.datetime({ offset: true }).describe('After starts_at, at most 24 hours later'),
  reason: timeBlockReasonSchema,
  note: z.string().trim().min(1).max(500).optional(),
});
export type TimeBlockCreate = z.infer<typeof timeBlockCreateSchema>;

export const timeBlockListQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).describe('Blocks ending after this instant'),
  to: z.iso.datetime({ offset: true }).describe('Blocks starting before this instant; at most 62 days after from'),
  resource_id: z.uuid().optional(),
});
export type TimeBlockListQuery = z.infer<typeof timeBlockListQuerySchema>;

export const timeBlockSchema = z.object({
  id: z.uuid(),
  resource_id: z.uuid(),
  starts_at: z.string(),
  ends_at: z.string(),
  reason: timeBlockReasonSchema,
  note: z.string().nullable(),
  created_by: z.uuid().nullable(),
  created_at: z.string(),
});
export type TimeBlockView = z.infer<typeof timeBlockSchema>;
