import { randomUUID } from 'node:crypto';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Trx } from '../../platform/db/database.ts';
import { memoKey, transactionMemo } from '../../platform/db/transaction-context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { parseCodeDestination } from '../../platform/messaging/code-destination.ts';
import { getCustomerForBooking, hasMarketingConsent, type CustomerForBooking } from '../customers/index.ts';
import { isFreeOrTrial } from '../tenancy/index.ts';
import { DEFAULT_TEMPLATES } from './default-templates.ts';
import { addressIndex, bookingVariables, maskRecipient, type BookingSnapshot } from './message-content.ts';
import {
  MARKETING_KEYS,
  SECURITY_KEYS,
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
import { SECRET_PLACEHOLDER } from './one-time-secret.ts';
import type { InvitationData, NotificationSettingsData } from './notifications.tables.ts';
import { findActiveTemplate } from './templates.repository.ts';
import { renderTemplate, TemplateError, type RenderedMessage, type TemplateSource } from './template-engine.ts';
import { unsubscribePageUrl } from './unsubscribe-token.ts';

/** The customer's manage link of a booking (a port the booking module fills through the composition root). */
export type ManageUrlFor = (tenantId: string, bookingId: string) => string;

/** The hosted payment page of a booking's open payment, or null (a port payments fills through the composition root). */
export type PaymentPageUrlFor = (trx: Trx, tenantId: string, bookingId: string) => Promise<string | null>;

export interface ComposerDeps {
  keyRing: KeyRing;
  publicUrl: string;
  manageUrlFor?: ManageUrlFor;
  paymentPageUrlFor?: PaymentPageUrlFor;
}

/**
 * Who a message goes to: a customer (their address is looked up again when
 * sending), the business, or an address the request names — a guest proving
 * they own an email or phone before any customer exists; such a message goes
 * on that channel only, whatever the tenant's channel settings.
 */
export type Recipient =
  | { kind: 'customer'; customerId: string }
  | { kind: 'business' }
  | { kind: 'address'; channel: 'email' | 'sms'; address: string };

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
  /** Language of a message to an `address`, when the caller knows it (else the tenant's default). */
  language?: Language | undefined;
  /**
   * A one-time code, the template's `code` variable: stored apart from the
   * text (encrypted), put in only when sending and dropped once sent (see
   * `one-time-secret.ts`).
   */
  oneTimeCode?: string | undefined;
  /**
   * The customer must hear of it (a waitlist offer holds a slot for them):
   * when no channel the tenant enabled reaches them, the first of email and
   * SMS they have an address for is used.
   */
  essential?: boolean | undefined;
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

/** The booking's manage link for the customer's messages, when the event did not carry one. */
function withManageUrl(deps: ComposerDeps, tenantId: string, booking: BookingSnapshot): BookingSnapshot {
  if (booking.manageUrl || !deps.manageUrlFor || !booking.id) return booking;
  return { ...booking, manageUrl: deps.manageUrlFor(tenantId, booking.id) };
}

/**
 * Renders a message for each channel the recipient can be reached on and
 * the tenant has enabled, stores it (content encrypted, address resolved
 * again when sending) and queues its delivery — all in the caller's
 * transaction. The dedupe key makes a repeat a no-op. Returns how many
 * messages were created.
 */
type TenantFacts = [Awaited<ReturnType<typeof repo.findSettings>>, Awaited<ReturnType<typeof repo.findBusinessProfile>>];

/** Each tenant's settings and business profile, read once per transaction (a campaign composes many messages in one). */
const TENANT_FACTS = memoKey<Map<string, Promise<TenantFacts>>>('notifications: tenant settings and business profile');

async function readTenantFacts(trx: Trx, tenantId: string): Promise<TenantFacts> {
  return [await repo.findSettings(trx, tenantId), await repo.findBusinessProfile(trx, tenantId)];
}

function tenantFacts(trx: Trx, tenantId: string): Promise<TenantFacts> {
  const memo = transactionMemo(trx, TENANT_FACTS, () => new Map<string, Promise<TenantFacts>>());
  if (!memo) return readTenantFacts(trx, tenantId);
  let facts = memo.get(tenantId);
  if (!facts) {
    facts = readTenantFacts(trx, tenantId);
    memo.set(tenantId, facts);
  }
  return facts;
}

export async function composeMessages(trx: Trx, deps: ComposerDeps, tenantId: string, request: MessageRequest): Promise<number> {
  const [settings, business] = await tenantFacts(trx, tenantId);
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

  const language = languageFor(customer?.language ?? request.language ?? null, settings, business?.language ?? null);
  const enabled = { ...DEFAULT_CHANNELS, ...settings.channels };
  const recipient = request.recipient;
  const channels: NotificationChannel[] = [];
  if (recipient.kind === 'address') {
    // The endpoints that name an address parse it first; a list or a header here is a bug, not a message.
    if (parseCodeDestination(recipient.channel, recipient.address)?.value !== recipient.address) {
      throw new Error('a message to an address needs exactly one canonical address');
    }
    channels.push(recipient.channel);
  } else {
    for (const channel of request.channels ?? (['email', 'sms', 'whatsapp', 'push'] as const)) {
      if (!enabled[channel] && recipient.kind === 'customer') continue;
      if (recipient.kind === 'business') {
        if (channel === 'email' && Boolean(business?.email)) channels.push(channel);
        continue;
      }
      if (customer === null) continue;
      // Push reaches the browsers the customer subscribed; the others need an address on file.
      const reachable = channel === 'push' ? await hasPushSubscription(trx, tenantId, customer.id) : addressFor(channel, customer) !== null;
      if (reachable) channels.push(channel);
    }
    if (channels.length === 0 && request.essential && customer !== null) {
      const fallback = (['email', 'sms'] as const).find((channel) => addressFor(channel, customer) !== null);
      if (fallback) channels.push(fallback);
    }
  }

  const variables = completeVariables(request.key, {
    customer: { first_name: customer?.first_name ?? '', last_name: customer?.last_name ?? '' },
    business: { name: business?.name ?? '', phone: business?.phone ?? '', email: business?.email ?? '' },
    // The manage link is the customer's key to their booking: only messages to the customer carry it.
    ...(request.booking
      ? bookingVariables(request.recipient.kind === 'customer' ? withManageUrl(deps, tenantId, request.booking) : request.booking, language)
      : {}),
    ...request.extra?.(language),
    // A person clicks the visible link (the List-Unsubscribe header is for mail clients' one click).
    ...(marketing && customer !== null ? { unsubscribe_url: unsubscribePageUrl(deps.keyRing, deps.publicUrl, tenantId, customer.id) } : {}),
    // The code itself never enters the rendered text; the delivery job puts it in.
    ...(request.oneTimeCode !== undefined ? { code: SECRET_PLACEHOLDER } : {}),
  });
  const secretMissing = (rendered: RenderedMessage) => request.oneTimeCode !== undefined && !rendered.text.includes(SECRET_PLACEHOLDER);
  // Security messages: a free or trial business's template is not used at all (whenever it was
  // written), and no tenant template sets their subject.
  const security = SECURITY_KEYS.has(request.key);
  const tenantTemplatesUsable = !security || !(await isFreeOrTrial(trx, tenantId));

  let created = 0;
  for (const channel of channels) {
    const custom = tenantTemplatesUsable ? await findActiveTemplate(trx, tenantId, request.key, channel, language) : undefined;
    let rendered: RenderedMessage | null = null;
    let templateId: string | null = custom?.id ?? null;
    if (custom) {
      const subject = security ? (defaultSource(request.key, channel, language).subject ?? null) : custom.subject;
      try {
        rendered = renderTemplate({ subject, body: custom.body, bodyHtml: custom.body_html }, variables, channel === 'email');
      } catch (error) {
        // A tenant template that fails at send time (limits) must not cost the customer the message.
        if (!(error instanceof TemplateError)) throw error;
      }
      // Nor one that lost the code a one-time-code message exists for.
      if (rendered !== null && secretMissing(rendered)) rendered = null;
      if (rendered === null) templateId = null;
    }
    rendered ??= renderTemplate(defaultSource(request.key, channel, language), variables, channel === 'email');
    const id = randomUUID();
    const context = contentContext(tenantId, id);
    const recipientIndex = recipient.kind === 'address' ? addressIndex(deps.keyRing, recipient.address) : null;
    const recipientRef =
      recipient.kind === 'customer' ? `customer:${recipient.customerId}` : recipient.kind === 'address' ? `address:${recipientIndex ?? ''}` : 'business';
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
      customer_id: recipient.kind === 'customer' ? recipient.customerId : null,
      business_id: recipient.kind === 'business' ? (business?.id ?? null) : null,
      template_id: templateId,
      channel,
      recipient_kind: recipient.kind,
      // An address given by the request is known now; a customer's is looked up when sending.
      ...(recipient.kind === 'address'
        ? {
            recipient_enc: deps.keyRing.encrypt(recipient.address, context),
            recipient_hint: maskRecipient(recipient.address),
            recipient_bidx: recipientIndex,
          }
        : {}),
      language,
      subject_enc: rendered.subject === null ? null : deps.keyRing.encrypt(rendered.subject, context),
      body_enc: deps.keyRing.encrypt(rendered.text, context),
      body_html_enc: rendered.html === null ? null : deps.keyRing.encrypt(rendered.html, context),
      secret_enc: request.oneTimeCode === undefined ? null : deps.keyRing.encrypt(request.oneTimeCode, context),
      invitation: invitation === null ? null : JSON.stringify(invitation),
      marketing,
    });
    if (!inserted) continue;
    await enqueue(trx, notificationDeliveryJob, { notification_id: inserted.id }, { tenantId, dedupeKey: `notification:${inserted.id}` });
    created += 1;
  }
  return created;
}
