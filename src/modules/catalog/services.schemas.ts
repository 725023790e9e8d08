import { z } from 'zod';
import { moneySchema } from '../../platform/money.ts';
import { pageQuerySchema } from '../../platform/http/pagination.ts';
import { cancellationPolicySchema } from './cancellation-policy.ts';
import { pricingTierInputSchema, pricingTierSchema, serviceDepositSchema } from './pricing.ts';
import { resourceTypeSchema } from './resources.schemas.ts';

const statusSchema = z.enum(['active', 'inactive', 'archived']);
const minutes = (max: number) => z.int().min(0).max(max);

/**
 * One more resource a service occupies at the same time as the resource that
 * delivers it (a massage needs a therapist *and* a room). It is filled by any
 * active resource of the same location as the delivering resource that matches
 * every criterion given; the first free one in name order is the one booked.
 */
export const requiredResourceSchema = z
  .strictObject({
    label: z.string().trim().min(1).max(50).describe('What the resource is for, e.g. "room"'),
    type: resourceTypeSchema.optional(),
    skills: z.array(z.string().trim().toLowerCase().min(1).max(64)).min(1).max(10).optional().describe('All required'),
    resource_ids: z.array(z.uuid()).min(1).max(100).optional().describe('Only these resources'),
  })
  .refine((group) => group.type !== undefined || group.skills !== undefined || group.resource_ids !== undefined, {
    message: 'Name at least one of type, skills or resource_ids',
  });
export type RequiredResource = z.infer<typeof requiredResourceSchema>;

const timingFields = {
  duration_minutes: z.int().min(1).max(1440),
  buffer_before_minutes: minutes(1440).optional().describe('Preparation time before; default 0'),
  buffer_after_minutes: minutes(1440).optional().describe('Clean-up time after; default 0'),
  capacity: z.int().min(1).max(10_000).optional().describe('Places per slot (group classes); default 1'),
  slot_interval_minutes: z.int().min(1).max(1440).optional().describe('Step between offered starts; defaults to the duration'),
  min_notice_minutes: minutes(525_600).optional().describe('Earliest bookable start is now plus this; default 0'),
  max_advance_days: z.int().min(0).max(1095).optional().describe('Latest bookable start is now plus this many days; default 365'),
};

export const serviceCreateSchema = z.strictObject({
  business_id: z.uuid().optional().describe('Defaults to the tenant\'s first business'),
  category_id: z.uuid().optional(),
  name: z.string().trim().min(1).max(255),
  description: z.string().max(5000).optional(),
  ...timingFields,
  price: moneySchema.describe('Base price in minor units'),
  cost_amount: z.int().min(0).max(10_000_000_000).nullable().optional().describe('What delivering it costs the business, minor units of the price currency (profitability reports); null: not entered'),
  deposit: serviceDepositSchema.optional().describe('percentage: whole percent; fixed: minor units; default none'),
  cancellation_policy: cancellationPolicySchema.optional(),
  resource_ids: z.array(z.uuid()).max(500).default([]).describe('Resources that can deliver the service'),
  required_resources: z.array(requiredResourceSchema).max(3).optional().describe('Extra resources needed at the same time'),
  settings: z.record(z.string(), z.unknown()).optional(),
});
export type ServiceCreate = z.infer<typeof serviceCreateSchema>;

export const serviceUpdateSchema = z.strictObject({
  category_id: z.uuid().nullable().optional(),
  name: z.string().trim().min(1).max(255).optional(),
  description: z.string().max(5000).nullable().optional(),
  duration_minutes: timingFields.duration_minutes.optional(),
  buffer_before_minutes: timingFields.buffer_before_minutes,
  buffer_after_minutes: timingFields.buffer_after_minutes,
  capacity: timingFields.capacity,
  slot_interval_minutes: z.int().min(1).max(1440).nullable().optional(),
  min_notice_minutes: timingFields.min_notice_minutes,
  max_advance_days: timingFields.max_advance_days,
  price: moneySchema.optional(),
  cost_amount: z.int().min(0).max(10_000_000_000).nullable().optional().describe('What delivering it costs the business, minor units of the price currency (profitability reports); null: not entered'),
  deposit: serviceDepositSchema.optional(),
  cancellation_policy: cancellationPolicySchema.nullable().optional(),
  resource_ids: z.array(z.uuid()).max(500).optional().describe('Replaces the whole list'),
  required_resources: z.array(requiredResourceSchema).max(3).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  status: statusSchema.optional(),
});
export type ServiceUpdate = z.infer<typeof serviceUpdateSchema>;

export const serviceListQuerySchema = pageQuerySchema.extend({
  business_id: z.uuid().optional(),
  category_id: z.uuid().optional(),
  resource_id: z.uuid().optional().describe('Only services this resource can deliver'),
  status: statusSchema.optional(),
  search: z.string().trim().min(1).max(100).optional(),
});
export type ServiceListQuery = z.infer<typeof serviceListQuerySchema>;

export const serviceSchema = z.object({
  id: z.uuid(),
  business_id: z.uuid(),
  category_id: z.uuid().nullable(),
  name: z.string(),
  description: z.string().nullable(),
  duration_minutes: z.int(),
  buffer_before_minutes: z.int(),
  buffer_after_minutes: z.int(),
  capacity: z.int(),
  slot_interval_minutes: z.int(),
  min_notice_minutes: z.int(),
  max_advance_days: z.int(),
  price: moneySchema,
  cost_amount: z.int().nullable().describe('Cost per delivery, minor units of the price currency; null: not entered'),
  deposit: serviceDepositSchema,
  cancellation_policy: cancellationPolicySchema.nullable(),
  resource_ids: z.array(z.uuid()),
  required_resources: z.array(requiredResourceSchema),
  settings: z.record(z.string(), z.unknown()),
  status: statusSchema,
  created_at: z.string(),
  updated_at: z.string(),
});
export type ServiceView = z.infer<typeof serviceSchema>;

export const tierParamsSchema = z.object({ id: z.uuid(), tier_id: z.uuid() });
export { pricingTierInputSchema, pricingTierSchema };
