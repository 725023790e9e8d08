/**
 * Notifications: tenant-editable templates (LiquidJS, sandboxed) with
 * built-in Spanish and English ones, messages planned from booking and
 * payment events, reminders through the job queue, delivery by email
 * (SMTP), SMS and WhatsApp (Twilio, with signed status callbacks), Web Push
 * (VAPID, endpoints SSRF-checked) — captured in the outbox when no provider
 * is configured — with per-message tracking and resends. The booking module's
 * own messages (guest verification codes, waitlist offers) come in through
 * `bookingMessages`; the customer's messages and push subscriptions take part
 * in export, erasure and merges through the customers registry. Staff get
 * booking notices on their own devices (`/me/push-subscriptions`), sent to the
 * members identity's permission code lets read the booking.
 * Other modules use only what this file exports.
 */
import type { Logger } from 'pino';
import type { Config } from '../../platform/config.ts';
import { publicUrl } from '../../platform/config.ts';
import type { CustomerDataHolder } from '../customers/index.ts';
import { createBookingMessages, type BookingMessages } from './booking-messages.ts';
import type { IdentityMessagesPort, MemberReach, StaffResourceResolver } from '../identity/index.ts';
import { createIdentityMessages } from './identity-messages.ts';
import { createAnalyticsMessages } from './analytics-messages.ts';
import { createBillingMessages } from './billing-messages.ts';
import type { BillingMessagesPort } from '../billing/index.ts';
import type { AnalyticsMessagesPort } from '../analytics/index.ts';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { ReencryptionTarget } from '../../platform/crypto/key-rotation.ts';
import type { Db, Trx } from '../../platform/db/database.ts';
import type { EventSubscriber } from '../../platform/events/outbox.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import type { JobDefinition } from '../../platform/jobs/job-definition.ts';
import { createSmtpSender, type EmailSender } from './channels/smtp-sender.ts';
import { createTwilioSender, type TextSender } from './channels/twilio-sender.ts';
import { createWebPushSender, type PushSender } from './channels/webpush-sender.ts';
import { composeMessages, type ManageUrlFor, type MessageRequest, type PaymentPageUrlFor } from './message-composer.ts';
import { createNotificationDeliveryJob } from './notification-delivery.job.ts';
import { notificationsReencryption, pushSubscriptionsReencryption, staffPushSubscriptionsReencryption } from './notifications-key-rotation.ts';
import {
  notificationsContributor,
  notificationsErasureParticipant,
  notificationsMergeParticipant,
  pushSubscriptionsContributor,
} from './notifications-customer-data.ts';
import { createBookingReminderJob, createNotificationEventJob, notificationsSubscriber } from './notification-events.job.ts';
import { registerNotificationRoutes } from './notifications.routes.ts';
import { registerPushSubscriptionRoutes } from './push-subscriptions.routes.ts';
import { createStaffPushPlanJob, createStaffPushSendJob, staffPushSubscriber } from './staff-push.job.ts';
import { registerStaffPushRoutes } from './staff-push.routes.ts';
import { createMarketingService } from './marketing.service.ts';
import { createOutboxService, resendMessage } from './outbox.service.ts';
import { createSettingsService } from './settings.service.ts';
import { createTemplatesService } from './templates.service.ts';
import { registerTwilioStatusRoutes } from './twilio-status.routes.ts';
import { twilioStatusCallbackUrl } from './twilio-status.service.ts';
import './notifications.tables.ts';
import './push-subscriptions.ts';
import './staff-push-subscriptions.ts';

export type { MessageRequest } from './message-composer.ts';
export type { BookingMessages, VerificationCodeMessage, WaitlistOfferMessage } from './booking-messages.ts';
export type { TemplateKey } from './notification-catalogue.ts';

export interface NotificationsModuleDeps {
  db: Db;
  config: Config;
  keyRing: KeyRing;
  logger: Logger;
  /** Overrides for tests; by default built from SMTP_URL and TWILIO_* (null = capture). */
  email?: EmailSender | null;
  text?: TextSender | null;
  /** Default: Web Push with VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY/VAPID_SUBJECT (null = capture). */
  push?: PushSender | null;
  /**
   * The customer's manage link of a booking (signed by the booking module; events never carry it,
   * since webhooks and feeds must not). Without it, messages go without the link.
   */
  manageUrlFor?: ManageUrlFor;
  /** The hosted payment page of a held booking's deposit (payments fills it); without it, messages go without the link. */
  paymentPageUrlFor?: PaymentPageUrlFor;
  /**
   * Which resources a staff member is linked to (catalog answers, through the composition root), so
   * notices on staff devices reach a stylist only for their own bookings. Without it, none.
   */
  staffResources?: StaffResourceResolver;
  /** The resources at a location-scoped member's locations (catalog answers), so their notices stay in their locations. Without it, none. */
  resourcesAtLocations?: MemberReach['resourcesAt'];
}

export interface NotificationsModule {
  registerRoutes(api: ApiRouter): void;
  jobs: JobDefinition[];
  subscribers: EventSubscriber[];
  /** Queues a message in the caller's transaction (waitlist offers, verification codes, marketing). */
  queueMessage(trx: Trx, tenantId: string, request: MessageRequest): Promise<number>;
  /**
   * Sends a finished message again in the caller's transaction, exactly as the dashboard's outbox
   * resend does (the platform console's support tools). 404 for another tenant's message; CONFLICT
   * when it cannot be resent (erased, a spent one-time code, still being sent).
   */
  resendMessage(trx: Trx, tenantId: string, id: string): Promise<{ id: string; channel: string; status: string; resend_count: number }>;
  /** Tells the business its webhook endpoint was disabled (the webhooks module's notifier). */
  notifyEndpointDisabled(trx: Trx, tenantId: string, endpoint: { id: string; url: string; reason: string }): Promise<void>;
  /** The booking module's messages (its messages port): guest verification codes and waitlist offers. */
  bookingMessages: BookingMessages;
  /** Identity's account e-mails (its messages port): password reset, e-mail verification, invitations, sign-up notices. */
  identityMessages: IdentityMessagesPort;
  /** Analytics' e-mails (its messages port): the weekly summary. */
  analyticsMessages: AnalyticsMessagesPort;
  billingMessages: BillingMessagesPort;
  /** The messages and push subscriptions in customers' export, erasure and merges. */
  customerData: CustomerDataHolder;
  /** Tables to re-encrypt on key rotation (platform `createKeyRotationJob`): messages and push subscriptions. */
  reencryptionTargets: ReencryptionTarget[];
  close(): void;
}

function textSenderFrom(config: Config): TextSender | null {
  if (!config.TWILIO_ACCOUNT_SID || !config.TWILIO_AUTH_TOKEN || !config.TWILIO_FROM) return null;
  return createTwilioSender({
    accountSid: config.TWILIO_ACCOUNT_SID,
    authToken: config.TWILIO_AUTH_TOKEN,
    from: config.TWILIO_FROM,
    apiBase: config.TWILIO_API_BASE ?? 'https://api.twilio.com',
    // Only with a public address Twilio can reach; the embedded default (localhost) is not one.
    statusCallbackUrl: config.PUBLIC_URL ? twilioStatusCallbackUrl(publicUrl(config)) : undefined,
  });
}

function pushSenderFrom(config: Config): PushSender | null {
  if (!config.VAPID_PUBLIC_KEY || !config.VAPID_PRIVATE_KEY || !config.VAPID_SUBJECT) return null;
  return createWebPushSender({
    publicKey: config.VAPID_PUBLIC_KEY,
    privateKey: config.VAPID_PRIVATE_KEY,
    subject: config.VAPID_SUBJECT,
    allowPrivateEndpoints: config.PUSH_ALLOW_PRIVATE,
  });
}

export function createNotificationsModule(deps: NotificationsModuleDeps): NotificationsModule {
  const base = publicUrl(deps.config);
  const email = deps.email !== undefined ? deps.email : deps.config.SMTP_URL ? createSmtpSender(deps.config.SMTP_URL, deps.config.EMAIL_FROM) : null;
  const text = deps.text !== undefined ? deps.text : textSenderFrom(deps.config);
  const push = deps.push !== undefined ? deps.push : pushSenderFrom(deps.config);
  const composer = {
    keyRing: deps.keyRing,
    publicUrl: base,
    ...(deps.manageUrlFor ? { manageUrlFor: deps.manageUrlFor } : {}),
    ...(deps.paymentPageUrlFor ? { paymentPageUrlFor: deps.paymentPageUrlFor } : {}),
  };
  const staffPush = {
    db: deps.db,
    keyRing: deps.keyRing,
    publicUrl: base,
    push,
    reach: { staffResources: deps.staffResources ?? (async () => []), resourcesAt: deps.resourcesAtLocations ?? (async () => []) },
  };
  const vapidPublicKey = push !== null && deps.config.VAPID_PUBLIC_KEY ? deps.config.VAPID_PUBLIC_KEY : null;
  const services = {
    outbox: createOutboxService(deps),
    templates: createTemplatesService(deps),
    settings: createSettingsService(deps),
    marketing: createMarketingService({ db: deps.db, composer }),
  };
  return {
    registerRoutes: (api) => {
      registerNotificationRoutes(api, services);
      registerPushSubscriptionRoutes(api, { db: deps.db, keyRing: deps.keyRing, allowPrivateEndpoints: deps.config.PUSH_ALLOW_PRIVATE });
      registerStaffPushRoutes(api, { db: deps.db, keyRing: deps.keyRing, vapidPublicKey, allowPrivateEndpoints: deps.config.PUSH_ALLOW_PRIVATE });
      registerTwilioStatusRoutes(api, { db: deps.db, authToken: deps.config.TWILIO_AUTH_TOKEN ?? null, publicUrl: base });
    },
    jobs: [
      createNotificationEventJob(composer),
      createBookingReminderJob(composer),
      createNotificationDeliveryJob({
        keyRing: deps.keyRing,
        publicUrl: base,
        emailFrom: deps.config.EMAIL_FROM,
        email,
        text,
        push,
        logger: deps.logger,
      }),
      createStaffPushPlanJob(staffPush),
      createStaffPushSendJob(staffPush),
    ],
    subscribers: [notificationsSubscriber, staffPushSubscriber],
    reencryptionTargets: [notificationsReencryption, pushSubscriptionsReencryption, staffPushSubscriptionsReencryption],
    queueMessage: (trx, tenantId, request) => composeMessages(trx, composer, tenantId, request),
    async resendMessage(trx, tenantId, id) {
      const row = await resendMessage(trx, deps.keyRing, tenantId, id);
      return { id: row.id, channel: row.channel, status: row.status, resend_count: row.resend_count };
    },
    bookingMessages: createBookingMessages(composer),
    identityMessages: createIdentityMessages(composer),
    analyticsMessages: createAnalyticsMessages(composer),
    billingMessages: createBillingMessages(composer),
    customerData: {
      contributors: [notificationsContributor(deps.keyRing), pushSubscriptionsContributor(deps.keyRing)],
      erasureParticipants: [notificationsErasureParticipant(deps.keyRing)],
      mergeParticipants: [notificationsMergeParticipant(deps.keyRing)],
    },
    async notifyEndpointDisabled(trx, tenantId, endpoint) {
      await composeMessages(trx, composer, tenantId, {
        key: 'webhook_endpoint.disabled',
        dedupeBase: `webhook-endpoint:${endpoint.id}:disabled:${Date.now()}`,
        eventId: null,
        recipient: { kind: 'business' },
        channels: ['email'],
        extra: () => ({ endpoint: { url: endpoint.url, reason: endpoint.reason } }),
      });
    },
    close() {
      email?.close();
    },
  };
}
export { latestUndeliveredMessages, undeliveredMessagesSince, type UndeliveredMessage } from './delivery-diagnostics.ts';
