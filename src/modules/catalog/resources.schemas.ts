import { z } from 'zod';
import { pageQuerySchema } from '../../platform/http/pagination.ts';

export const resourceTypeSchema = z.enum(['staff', 'room', 'equipment']);
const statusSchema = z.enum(['active', 'inactive', 'archived']);
const skillSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'Skills are short lower-case words: letters, digits, - and _');
const skillsSchema = z
  .array(skillSchema)
  .max(50)
  .transform((skills) => [...new Set(skills)]);

export const resourceCreateSchema = z.strictObject({
  location_id: z.uuid(),
  name: z.string().trim().min(1).max(255),
  type: resourceTypeSchema,
  description: z.string().max(2000).optional(),
  capacity: z.int().min(1).max(10_000).optional().describe('Places at once (1 for a person, more for a class room); default 1'),
  skills: skillsSchema.optional().describe('What a staff member can do, e.g. ["massage", "color"]'),
  user_id: z.uuid().optional().describe('The staff user this resource is; staff see bookings of their own resources'),
  settings: z.record(z.string(), z.unknown()).optional(),
});
export type ResourceCreate = z.infer<typeof resourceCreateSchema>;

export const resourceUpdateSchema = z.strictObject({
  location_id: z.uuid().optional(),
  name: z.string().trim().min(1).max(255).optional(),
  type: resourceTypeSchema.optional(),
  description: z.string().max(2000).nullable().optional(),
  capacity: z.int().min(1).max(10_000).optional(),
  skills: skillsSchema.optional(),
  user_id: z.uuid().nullable().optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  status: statusSchema.optional(),
});
export type ResourceUpdate = z.infer<typeof resourceUpdateSchema>;

export const resourceListQuerySchema = pageQuerySchema.extend({
  location_id: z.uuid().optional(),
  type: resourceTypeSchema.optional(),
  status: statusSchema.optional(),
  skill: skillSchema.optional().describe('Only resources with this skill'),
  user_id: z.uuid().optional(),
});
export type ResourceListQuery = z.infer<typeof resourceListQuerySchema>;

export const resourceSchema = z.object({
  id: z.uuid(),
  location_id: z.uuid(),
  name: z.string(),
  type: resourceTypeSchema,
  description: z.string().nullable(),
  capacity: z.int(),
  skills: z.array(z.string()),
  user_id: z.uuid().nullable(),
  settings: z.record(z.string(), z.unknown()),
  status: statusSchema,
  created_at: z.string(),
  updated_at: z.string(),
});
export type ResourceView = z.infer<typeof resourceSchema>;
