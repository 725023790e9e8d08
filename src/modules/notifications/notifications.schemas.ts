import { z } from 'zod';
import { pageQuerySchema } from '../../platform/http/pagination.ts';
import { LANGUAGES, NOTIFICATION_CHANNELS, TEMPLATE_KEYS } from './notification-catalogue.ts';

export const NOTIFICATION_STATUSES = ['pending', 'sent', 'delivered', 'failed', 'bounced', 'captured', 'skipped'] as const;

export const idParamsSchema = z.object({ id: z.string().uuid() });

// ---- outbox (sent and captured messages) ----

export const listNotificationsQuerySchema = pageQuerySchema.extend({
  status: z.enum(NOTIFICATION_STATUSES).optional(),
  channel: z.enum(NOTIFICATION_CHANNELS).optional(),
  booking_id: z.string().uuid().optional(),
  customer_id: z.string().uuid().optional(),
});
export type ListNotificationsQuery = z.infer<typeof listNotificationsQuerySchema>;

export const notificationSchema = z.object({
  id: z.string().uuid(),
  event_type: z.string(),
  event_id: z.string().uuid().nullable(),
  channel: z.enum(NOTIFICATION_CHANNELS),
  /** smtp | twilio | captured (embedded mode: kept here instead of sent) | webpush. */
  transport: z.string().nullable(),
  status: z.enum(NOTIFICATION_STATUSES),
  /** customer; business; address: given by the request (a guest's verification code). */
  recipient_kind: z.enum(['customer', 'business', 'address']),
  /** The address it went to, masked. */
  recipient: z.string().nullable(),
  customer_id: z.string().uuid().nullable(),
  booking_id: z.string().uuid().nullable(),
  language: z.string(),
  subject: z.string().nullable(),
  body: z.string(),
  has_invitation: z.boolean(),
  marketing: z.boolean(),
  provider_message_id: z.string().nullable(),
  error: z.string().nullable(),
  /** The provider's error code when delivery failed (Twilio: 30003, ...). */
  error_code: z.string().nullable(),
  attempts: z.number().int(),
  resend_count: z.number().int(),
  sent_at: z.string().nullable(),
  delivered_at: z.string().nullable(),
  failed_at: z.string().nullable(),
  created_at: z.string(),
});
export type NotificationView = z.infer<typeof notificationSchema>;

export const notificationDetailSchema = notificationSchema.extend({ body_html: z.string().nullable() });

// ---- templates ----

const templateFields = {
  name: z.string().trim().min(1).max(255).optional(),
  subject: z.string().max(500).nullable().optional(),
  body: z.string().min(1).max(20_000),
  body_html: z.string().max(20_000).nullable().optional(),
  is_active: z.boolean().optional(),
};

export const createTemplateBodySchema = z.object({
  event_type: z.enum(TEMPLATE_KEYS),
  channel: z.enum(NOTIFICATION_CHANNELS),
  language: z.enum(LANGUAGES),
  ...templateFields,
});
export type CreateTemplateBody = z.infer<typeof createTemplateBodySchema>;

export const updateTemplateBodySchema = z
  .object({ ...templateFields, body: templateFields.body.optional() })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');
export type UpdateTemplateBody = z.infer<typeof updateTemplateBodySchema>;

export const templateSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  event_type: z.string(),
  channel: z.enum(NOTIFICATION_CHANNELS),
  language: z.enum(LANGUAGES),
  subject: z.string().nullable(),
  body: z.string(),
  body_html: z.string().nullable(),
  variables: z.array(z.string()),
  is_active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TemplateView = z.infer<typeof templateSchema>;

export const listTemplatesQuerySchema = pageQuerySchema.extend({ event_type: z.enum(TEMPLATE_KEYS).optional() });

export const previewTemplateBodySchema = z.object({
  event_type: z.enum(TEMPLATE_KEYS),
  channel: z.enum(NOTIFICATION_CHANNELS),
  language: z.enum(LANGUAGES),
  /** Omit subject and body to preview the template in use (the tenant's or the built-in one). */
  subject: z.string().max(500).nullable().optional(),
  body: z.string().min(1).max(20_000).optional(),
  body_html: z.string().max(20_000).nullable().optional(),
});
export type PreviewTemplateBody = z.infer<typeof previewTemplateBodySchema>;

export const previewSchema = z.object({
  subject: z.string().nullable(),
  text: z.string(),
  html: z.string().nullable(),
  variables: z.array(z.string()),
  source: z.enum(['request', 'tenant', 'default']),
});

export const catalogueSchema = z.array(
  z.object({
    event_type: z.string(),
    marketing: z.boolean(),
    variables: z.array(z.string()),
    defaults: z.record(z.string(), z.object({ subject: z.string(), body: z.string(), short: z.string() })),
  }),
);

// ---- settings ----

const offsetsSchema = z
  .array(z.number().int().min(5).max(30 * 24 * 60))
  .max(5)
  .refine((offsets) => new Set(offsets).size === offsets.length, 'each offset once');

export const settingsSchema = z.object({
  reminder_offsets_minutes: offsetsSchema,
  service_reminder_offsets: z.record(z.string().uuid(), offsetsSchema),
  channels: z.object({ email: z.boolean(), sms: z.boolean(), whatsapp: z.boolean(), push: z.boolean() }),
  default_language: z.enum(LANGUAGES).nullable(),
});
export type SettingsView = z.infer<typeof settingsSchema>;

export const updateSettingsBodySchema = z.object({
  reminder_offsets_minutes: offsetsSchema.optional(),
  service_reminder_offsets: z.record(z.string().uuid(), offsetsSchema).optional(),
  channels: settingsSchema.shape.channels.partial().optional(),
  default_language: z.enum(LANGUAGES).nullable().optional(),
});
export type UpdateSettingsBody = z.infer<typeof updateSettingsBodySchema>;

export const unsubscribeQuerySchema = z.object({ token: z.string().min(10).max(1000) });

export const marketingMessageBodySchema = z
  .object({
    subject: z.string().trim().min(1).max(150).describe('The email subject line'),
    body: z.string().trim().min(1).max(5000).describe('Plain text; paragraphs separated by blank lines. The unsubscribe link is added.'),
  })
  .strict();

export const marketingSendSchema = z.object({
  campaign_id: z.uuid(),
  queued: z.number().int().describe('Messages queued: one per customer with standing marketing consent'),
});
