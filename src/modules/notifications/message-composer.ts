import { randomUUID } from 'node:crypto';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Trx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/http/errors.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { getCustomerForBooking, hasMarketingConsent, type CustomerForBooking } from '../customers/index.ts';
import { DEFAULT_TEMPLATES } from './default-templates.ts';
import { bookingVariables, type BookingSnapshot } from './message-content.ts';
import {
  MARKETING_KEYS,
  TEMPLATE_VARIABLES,
  supportedLanguage,
  type Language,
  type NotificationChannel,
  type TemplateKey,
  type TemplateValue,
  type TemplateVariables,
} from './notification-catalogue.ts';
import { notificationDeliveryJob } from './notification-jobs.ts';
import * as repo from './notifications.repository.ts';
import { hasPushSubscription } from './push-subscriptions.ts';
import type { InvitationData, NotificationSettingsData } from './notifications.tables.ts';
import { findActiveTemplate } from './templates.repository.ts';
import { renderTemplate, TemplateError, type RenderedMessage, type TemplateSource } from './template-engine.ts';

export interface ComposerDeps {
  keyRing: KeyRing;
  publicUrl: string;
}

export type Recipient = { kind: 'customer'; customerId: string } | { kind: 'business' };

export interface MessageRequest {
  key: TemplateKey;
  /** What makes this message unique besides key, channel and recipient (event id, reminder slot...). */
  dedupeBase: string;
  eventId: string | null;
  recipient: Recipient;
  booking?: BookingSnapshot | undefined;
  /** Variables besides customer, business and booking, per language (amounts are formatted per language). */
  extra?: ((language: Language) => TemplateVariables) | undefined;
  invitation?: { method: 'REQUEST' | 'CANCEL'; sequence: number } | undefined;
  /** Only these channels (a business notice goes by email only). */
  channels?: readonly NotificationChannel[] | undefined;
}

export const DEFAULT_CHANNELS: Record<NotificationChannel, boolean> = { email: true, sms: false, whatsapp: false, push: false };

/** Encryption context of a message's content and address. */
export function contentContext(tenantId: string, notificationId: string): string {
  return `notifications:${tenantId}:${notificationId}`;
}

/** The language of a customer's messages: theirs when supported, else the tenant's setting, else the business's. */
export function languageFor(
  customerLanguage: string | null,
  settings: NotificationSettingsData,
  businessLanguage: string | null,
): Language {
  return supportedLanguage(customerLanguage) ?? settings.default_language ?? supportedLanguage(businessLanguage) ?? 'en';
}

/** Every declared variable present (missing ones blank), so strict rendering never trips on an absent value. */
function completeVariables(key: TemplateKey, variables: TemplateVariables): TemplateVariables {
  const complete: Record<string, TemplateValue> = { ...variables };
  for (const path of TEMPLATE_VARIABLES[key]) {
    const parts = path.split('.');
    let node: Record<string, TemplateValue> = complete;
    parts.forEach((part, index) => {
      const last = index === parts.length - 1;
      const current = node[part];
      if (last) {
        if (current === undefined) node[part] = '';
        return;
      }
      if (current === undefined || current === null || typeof current !== 'object') node[part] = {};
      const next = node[part];
      if (next !== null && typeof next === 'object') node = next;
    });
  }
  return complete;
}

function defaultSource(key: TemplateKey, channel: NotificationChannel, language: Language): TemplateSource {
  const template = DEFAULT_TEMPLATES[key][language];
  if (channel === 'email') return { subject: template.subject, body: template.body };
  if (channel === 'push') return { subject: template.subject, body: template.short };
  return { body: template.short };
}

function addressFor(channel: NotificationChannel, customer: CustomerForBooking): string | null {
  if (channel === 'email') return customer.email;
  if (channel === 'sms' || channel === 'whatsapp') return customer.phone;
  return null;
}

/**
 * Renders a message for each channel the recipient can be reached on and
 * the tenant has enabled, stores it (content encrypted, address resolved
 * again when sending) and queues its delivery — all in the caller's
 * transaction. The dedupe key makes a repeat a no-op. Returns how many
 * messages were created.
 */
export async function composeMessages(trx: Trx, deps: ComposerDeps, tenantId: string, request: MessageRequest): Promise<number> {
  const settings = await repo.findSettings(trx, tenantId);
  const business = await repo.findBusinessProfile(trx, tenantId);
  let customer: CustomerForBooking | null = null;
  if (request.recipient.kind === 'customer') {
    try {
      customer = await getCustomerForBooking(trx, deps.keyRing, tenantId, request.recipient.customerId);
    } catch (error) {
      // Erased or merged away: nobody to tell.
      if (error instanceof AppError && error.code === 'NOT_FOUND') return 0;
      throw error;
    }
  }
  const marketing = MARKETING_KEYS.has(request.key);
  // Marketing needs a standing consent record (checked again when sending); transactional messages always go.
  if (marketing && (customer === null || !(await hasMarketingConsent(trx, tenantId, customer.id)))) return 0;

  const language = languageFor(customer?.language ?? null, settings, business?.language ?? null);
  const enabled = { ...DEFAULT_CHANNELS, ...settings.channels };
  const channels: NotificationChannel[] = [];
  for (const channel of request.channels ?? (['email', 'sms', 'whatsapp', 'push'] as const)) {
    if (!enabled[channel] && request.recipient.kind === 'customer') continue;
    if (request.recipient.kind === 'business') {
      if (channel === 'email' && Boolean(business?.email)) channels.push(channel);
      continue;
    }
    if (customer === null) continue;
    // Push reaches the browsers the customer subscribed; the others need an address on file.
    const reachable = channel === 'push' ? await hasPushSubscription(trx, tenantId, customer.id) : addressFor(channel, customer) !== null;
    if (reachable) channels.push(channel);
  }

  const variables = completeVariables(request.key, {
    customer: { first_name: customer?.first_name ?? '', last_name: customer?.last_name ?? '' },
    business: { name: business?.name ?? '', phone: business?.phone ?? '', email: business?.email ?? '' },
    ...(request.booking ? bookingVariables(request.booking, language) : {}),
    ...request.extra?.(language),
  });

  let created = 0;
  for (const channel of channels) {
    const custom = await findActiveTemplate(trx, tenantId, request.key, channel, language);
    let rendered: RenderedMessage;
    let templateId: string | null = custom?.id ?? null;
    try {
      rendered = renderTemplate(
        custom ? { subject: custom.subject, body: custom.body, bodyHtml: custom.body_html } : defaultSource(request.key, channel, language),
        variables,
        channel === 'email',
      );
    } catch (error) {
      if (!(error instanceof TemplateError) || !custom) throw error;
      // A tenant template that fails at send time (limits) must not cost the customer the message.
      rendered = renderTemplate(defaultSource(request.key, channel, language), variables, channel === 'email');
      templateId = null;
    }
    const id = randomUUID();
    const context = contentContext(tenantId, id);
    const recipientRef = request.recipient.kind === 'customer' ? `customer:${request.recipient.customerId}` : 'business';
    const invitation: InvitationData | null =
      channel === 'email' && request.invitation && request.booking
        ? {
            booking_id: request.booking.id,
            sequence: request.invitation.sequence,
            method: request.invitation.method,
            start_time: request.booking.startTime.toISOString(),
            end_time: request.booking.endTime.toISOString(),
            timezone: request.booking.timezone,
            summary: [request.booking.serviceName, business?.name].filter(Boolean).join(' · ') || 'Booking',
            location: request.booking.locationName,
          }
        : null;
    const inserted = await repo.insertNotificationOnce(trx, tenantId, {
      id,
      dedupe_key: `${request.dedupeBase}:${request.key}:${channel}:${recipientRef}`,
      event_id: request.eventId,
      event_type: request.key,
      booking_id: request.booking?.id ?? null,
      customer_id: request.recipient.kind === 'customer' ? request.recipient.customerId : null,
      business_id: request.recipient.kind === 'business' ? (business?.id ?? null) : null,
      template_id: templateId,
      channel,
      recipient_kind: request.recipient.kind,
      language,
      subject_enc: rendered.subject === null ? null : deps.keyRing.encrypt(rendered.subject, context),
      body_enc: deps.keyRing.encrypt(rendered.text, context),
      body_html_enc: rendered.html === null ? null : deps.keyRing.encrypt(rendered.html, context),
      invitation: invitation === null ? null : JSON.stringify(invitation),
      marketing,
    });
    if (!inserted) continue;
    await enqueue(trx, notificationDeliveryJob, { notification_id: inserted.id }, { tenantId, dedupeKey: `notification:${inserted.id}` });
    created += 1;
  }
  return created;
}
