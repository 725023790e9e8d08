import { z } from 'zod';
import { pageQuerySchema } from '../../platform/http/pagination.ts';
import { isTimeZone } from './catalog-support.ts';

export const timeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(isTimeZone, { message: 'Not an IANA time zone (e.g. Europe/Madrid)' })
  .describe('IANA time zone of the location; it decides local dates and hours');

/** Free-form postal address; `line1`, `city`, `postal_code`, `region`, `country` (ISO 3166-1 alpha-2) are the usual keys. */
export const addressSchema = z
  .object({
    line1: z.string().max(255).optional(),
    line2: z.string().max(255).optional(),
    city: z.string().max(255).optional(),
    postal_code: z.string().max(32).optional(),
    region: z.string().max(255).optional(),
    country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code').optional(),
  })
  .catchall(z.union([z.string().max(500), z.number(), z.boolean(), z.null()]));

const statusSchema = z.enum(['active', 'inactive', 'archived']);

export const locationCreateSchema = z.strictObject({
  business_id: z.uuid().optional().describe('Defaults to the tenant\'s first business'),
  name: z.string().trim().min(1).max(255),
  address: addressSchema,
  timezone: timeZoneSchema,
  phone: z.string().trim().min(3).max(50).optional(),
  email: z.email().max(255).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});
export type LocationCreate = z.infer<typeof locationCreateSchema>;

export const locationUpdateSchema = z.strictObject({
  name: z.string().trim().min(1).max(255).optional(),
  address: addressSchema.optional(),
  timezone: timeZoneSchema.optional(),
  phone: z.string().trim().min(3).max(50).nullable().optional(),
  email: z.email().max(255).nullable().optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  status: statusSchema.optional(),
});
export type LocationUpdate = z.infer<typeof locationUpdateSchema>;

export const locationListQuerySchema = pageQuerySchema.extend({
  business_id: z.uuid().optional(),
  status: statusSchema.optional(),
  search: z.string().trim().min(1).max(100).optional().describe('Part of the name'),
});
export type LocationListQuery = z.infer<typeof locationListQuerySchema>;

export const locationSchema = z.object({
  id: z.uuid(),
  business_id: z.uuid(),
  name: z.string(),
  address: z.record(z.string(), z.unknown()),
  timezone: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  settings: z.record(z.string(), z.unknown()),
  status: statusSchema,
  created_at: z.string(),
  updated_at: z.string(),
});
export type LocationView = z.infer<typeof locationSchema>;

export const idParamsSchema = z.object({ id: z.uuid() });
