import { z } from 'zod';
import { normalizePhone } from '../../platform/crypto/pii-normalization.ts';
import { pageQuerySchema } from '../../platform/http/pagination.ts';

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');

export const emailSchema = z.string().trim().pipe(z.email().max(254));
export const phoneSchema = z
  .string()
  .max(32)
  .refine((value) => normalizePhone(value) !== null, 'an international number in E.164 form, e.g. +34600111222');

export const preferencesSchema = z
  .object({
    language: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'a language tag such as "es" or "en-GB"')
      .optional(),
    preferred_resource_ids: z.array(z.uuid()).max(20).optional(),
    preferred_times: z
      .array(z.object({ days: z.array(z.number().int().min(1).max(7)).max(7).optional(), start: timeOfDay, end: timeOfDay }))
      .max(20)
      .optional(),
    favourite_service_ids: z.array(z.uuid()).max(50).optional(),
  })
  .strict();

const customerTypeSchema = z.enum(['registered', 'guest']);
const customerStatusSchema = z.enum(['active', 'inactive', 'banned']);
const nameSchema = z.string().trim().min(1).max(100);

export const createCustomerBodySchema = z
  .object({
    type: customerTypeSchema
      .optional()
      .describe('Defaults to `registered` when an email is given, else `guest`. Registered needs an email; guest an email or phone.'),
    first_name: nameSchema,
    last_name: nameSchema.optional(),
    email: emailSchema.optional(),
    phone: phoneSchema.optional(),
    date_of_birth: z.iso.date().optional(),
    notes: z.string().max(4000).optional().describe('Staff notes about the customer (stored encrypted).'),
    preferences: preferencesSchema.optional(),
    marketing_consent: z
      .boolean()
      .optional()
      .describe('true records a marketing consent (source `staff`) with the caller\'s IP and user agent.'),
  })
  .strict();
export type CreateCustomerBody = z.infer<typeof createCustomerBodySchema>;

export const updateCustomerBodySchema = z
  .object({
    type: customerTypeSchema.optional(),
    status: customerStatusSchema.optional(),
    first_name: nameSchema.optional(),
    last_name: nameSchema.nullable().optional(),
    email: emailSchema.nullable().optional(),
    phone: phoneSchema.nullable().optional(),
    date_of_birth: z.iso.date().nullable().optional(),
    notes: z.string().max(4000).nullable().optional(),
    preferences: preferencesSchema.optional(),
    marketing_consent: z.boolean().optional(),
  })
  .strict();
export type UpdateCustomerBody = z.infer<typeof updateCustomerBodySchema>;

export const listCustomersQuerySchema = pageQuerySchema.extend({
  search: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'An exact email, an exact phone (E.164), or name words: each word of 3+ letters must start a word of the ' +
        'first or last name. Personal data is encrypted at rest, so search is by blind index: no substring or fuzzy matching.',
    ),
  status: customerStatusSchema.optional(),
  type: customerTypeSchema.optional(),
});
export type ListCustomersQuery = z.infer<typeof listCustomersQuerySchema>;

export const customerIdParamsSchema = z.object({ id: z.uuid() });

export const mergeCustomersBodySchema = z.object({ duplicate_id: z.uuid() }).strict();

export const customerSchema = z.object({
  id: z.uuid(),
  type: customerTypeSchema,
  status: customerStatusSchema,
  first_name: z.string(),
  last_name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  date_of_birth: z.string().nullable(),
  notes: z.string().nullable(),
  preferences: preferencesSchema,
  marketing_consent: z.boolean(),
  email_verified_at: z.string().nullable(),
  phone_verified_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type CustomerView = z.infer<typeof customerSchema>;

export const mergeResultSchema = z.object({
  customer: customerSchema,
  merged: z.object({
    duplicate_id: z.uuid(),
    reassigned: z.array(z.object({ participant: z.string(), count: z.number().int() })),
    consents_moved: z.number().int(),
    discarded_fields: z
      .array(z.string())
      .describe('Fields of the duplicate that were not kept because the surviving customer already had a value.'),
  }),
});
export type MergeResult = z.infer<typeof mergeResultSchema>;
