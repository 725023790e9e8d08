import { z } from 'zod';
import { moneySchema } from '../../platform/money.ts';
import { serviceDepositSchema } from './pricing.ts';
import { serviceSchema } from './services.schemas.ts';

/** What a public booking page shows of the business: its public profile, never settings or ids of people. */
export const bookingPageBusinessSchema = z.object({
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
  accent_color: z.string().nullable().describe('The business\'s accent colour (#rrggbb), from its settings; null for the default'),
  embed_origins: z
    .array(z.string())
    .describe('The sites allowed to show the booking widget (their own pages are public anyway); empty: any site'),
});

export const bookingPageCategorySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  color: z.string().nullable(),
});

export const bookingPageServiceSchema = z.object({
  id: z.uuid(),
  category_id: z.uuid().nullable(),
  name: z.string(),
  description: z.string().nullable(),
  duration_minutes: z.int(),
  price: moneySchema,
  deposit: serviceDepositSchema,
  cancellation_policy: serviceSchema.shape.cancellation_policy.describe(
    'When the customer may cancel and what is refunded (guests: the `guest` terms replace the base ones); null: the business\'s default terms',
  ),
  resource_ids: z.array(z.uuid()).describe('Who or what can deliver it (ids for availability)'),
});

export const bookingPageLocationSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  address: z.record(z.string(), z.unknown()).describe('Where the customer goes (`line1`, `city`, `postal_code`, …)'),
  timezone: z.string(),
  phone: z.string().nullable(),
});

export const bookingPageSchema = z.object({
  business: bookingPageBusinessSchema,
  locations: z.array(bookingPageLocationSchema).describe('The business\'s active locations (a booking names its `location_id`)'),
  categories: z.array(bookingPageCategorySchema),
  services: z.array(bookingPageServiceSchema),
});
export type BookingPage = z.infer<typeof bookingPageSchema>;
