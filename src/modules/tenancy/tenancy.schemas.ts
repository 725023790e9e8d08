import { z } from 'zod';
import { businessSettingsSchema } from './business-settings.ts';

export const tenantIdParams = z.object({ id: z.string().uuid() });
export const businessIdParams = z.object({ id: z.string().uuid() });

const money = z.object({ amount: z.number().int(), currency: z.string() });
export const planSchema = z.object({
  id: z.string(),
  name: z.string(),
  price: money.nullable().describe('per month'),
  annual_price: money.nullable().describe('per year (billing interval `year`); null: priced by contract'),
  limits: z.object({ bookings_per_month: z.number().int().nullable(), users: z.number().int().nullable() }),
  transaction_fee: z.object({ bps: z.number().int(), fixed: money }),
  support: z.string(),
});

export const tenantSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  domain: z.string().nullable(),
  plan_id: z.string(),
  status: z.enum(['active', 'suspended', 'cancelled']),
  settings: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
});

export const limitsSchema = z.object({
  tenant_id: z.string(),
  plan: planSchema,
  limits: planSchema.shape.limits,
});

const metricUsage = z.object({ current: z.number().int(), limit: z.number().int().nullable() });
export const usageSchema = z.object({
  tenant_id: z.string(),
  plan_id: z.string(),
  period: z.object({ start: z.string(), end: z.string() }),
  metrics: z.object({ bookings_per_month: metricUsage, users: metricUsage }),
});

export const upgradeBodySchema = z.object({ plan_id: z.string().min(1).max(50) });

export const tenantPatchSchema = z
  .object({
    settings: z
      .object({
        require_mfa_for_admins: z.boolean().optional(),
        guest_retention_months: z
          .number()
          .int()
          .min(6)
          .max(120)
          .optional()
          .describe('Months a guest (no account) is kept after their last booking or edit before being erased; 24 by default'),
        consent_evidence_retention_years: z
          .number()
          .int()
          .min(1)
          .max(10)
          .optional()
          .describe('Years the proof of an erased customer’s consents is kept (without IP address or user agent); 3 by default'),
      })
      .strict()
      .optional(),
  })
  .strict();

const IANA_ZONES = new Set(Intl.supportedValuesOf('timeZone').concat('UTC'));
export const timezoneSchema = z
  .string()
  .refine((zone) => IANA_ZONES.has(zone), { message: 'must be an IANA time zone such as Europe/Madrid' });
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR');

export const businessSchema = z.object({
  id: z.string(),
  tenant_id: z.string(),
  name: z.string(),
  slug: z.string(),
  description: z.string().nullable(),
  logo_url: z.string().nullable(),
  website: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  address: z.record(z.string(), z.unknown()).nullable(),
  timezone: z.string(),
  currency: z.string(),
  settings: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
});

export const businessPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(255).optional(),
    description: z.string().max(5000).nullable().optional(),
    logo_url: z.string().url().max(500).nullable().optional(),
    website: z.string().url().max(255).nullable().optional(),
    phone: z.string().max(50).nullable().optional(),
    email: z.string().email().max(255).nullable().optional(),
    address: z.record(z.string(), z.unknown()).nullable().optional(),
    timezone: timezoneSchema.optional(),
    currency: currencySchema.optional(),
    settings: businessSettingsSchema.optional(),
  })
  .strict();
