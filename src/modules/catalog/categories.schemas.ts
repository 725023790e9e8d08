import { z } from 'zod';
import { pageQuerySchema } from '../../platform/http/pagination.ts';

const statusSchema = z.enum(['active', 'inactive', 'archived']);
const colorSchema = z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'A hex colour such as #A1B2C3');

export const categoryCreateSchema = z.strictObject({
  business_id: z.uuid().optional().describe('Defaults to the tenant\'s first business'),
  name: z.string().trim().min(1).max(255),
  description: z.string().max(2000).optional(),
  color: colorSchema.optional(),
  sort_order: z.int().min(-100_000).max(100_000).optional().describe('Lower first; default 0'),
});
export type CategoryCreate = z.infer<typeof categoryCreateSchema>;

export const categoryUpdateSchema = z.strictObject({
  name: z.string().trim().min(1).max(255).optional(),
  description: z.string().max(2000).nullable().optional(),
  color: colorSchema.nullable().optional(),
  sort_order: z.int().min(-100_000).max(100_000).optional(),
  status: statusSchema.optional(),
});
export type CategoryUpdate = z.infer<typeof categoryUpdateSchema>;

export const categoryListQuerySchema = pageQuerySchema.extend({
  business_id: z.uuid().optional(),
  status: statusSchema.optional(),
});
export type CategoryListQuery = z.infer<typeof categoryListQuerySchema>;

export const categorySchema = z.object({
  id: z.uuid(),
  business_id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  color: z.string().nullable(),
  sort_order: z.int(),
  status: statusSchema,
  created_at: z.string(),
  updated_at: z.string(),
});
export type CategoryView = z.infer<typeof categorySchema>;
