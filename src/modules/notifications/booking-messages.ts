import type { Trx } from '../../platform/db/database.ts';
import { composeMessages, type ComposerDeps } from './message-composer.ts';
import { formatDate, formatDateTime, formatTime } from './message-content.ts';

/** A guest's verification code, to the email address or phone (E.164) they want to prove. */
export interface VerificationCodeMessage {
  verificationId: string;
  channel: 'email' | 'sms';
  destination: string;
  code: string;
  expiresMinutes: number;
  /** Asked for by the guest (or their browser); undefined → the business's language. */
  language?: 'es' | 'en' | undefined;
}

/** A freed slot held for a waiting customer, with the link that claims it. */
export interface WaitlistOfferMessage {
  offerId: string;
  customerId: string;
  serviceName: string | null;
  start: Date;
  /** The location's IANA zone: the times are written in it. */
  timeZone: string;
  claimUrl: string;
  expiresAt: Date;
}

/** The business used `percent` % of its plan's monthly bookings (told once per month and level). */
export interface UsageWarningMessage {
  /** First day of the month (YYYY-MM-DD). */
  period: string;
  percent: number;
  used: number;
  limit: number;
}

/**
 * The messages the booking module sends, as the port it is given at
 * composition (booking declares the port; this object fulfils it). Both
 * queue in the caller's transaction: the message exists exactly when the
 * verification or the offer does, and the delivery job sends it.
 */
export interface BookingMessages {
  queueVerificationCode(trx: Trx, tenantId: string, message: VerificationCodeMessage): Promise<void>;
  queueWaitlistOffer(trx: Trx, tenantId: string, offer: WaitlistOfferMessage): Promise<void>;
  queueUsageWarning(trx: Trx, tenantId: string, warning: UsageWarningMessage): Promise<void>;
}

export function createBookingMessages(composer: ComposerDeps): BookingMessages {
  return {
    async queueVerificationCode(trx, tenantId, message) {
      await composeMessages(trx, composer, tenantId, {
        key: 'verification.code',
        dedupeBase: `verification:${message.verificationId}`,
        eventId: null,
        recipient: { kind: 'address', channel: message.channel, address: message.destination },
        oneTimeCode: message.code,
        // The guest's language when they said (or their browser did); else the business's.
        language: message.language,
        extra: () => ({ expires_minutes: message.expiresMinutes }),
      });
    },

    async queueWaitlistOffer(trx, tenantId, offer) {
      await composeMessages(trx, composer, tenantId, {
        key: 'waitlist.offer',
        dedupeBase: `waitlist-offer:${offer.offerId}`,
        eventId: null,
        recipient: { kind: 'customer', customerId: offer.customerId },
        // The slot is held for them only until the offer expires.
        essential: true,
        extra: (language) => ({
          offer: {
            service: offer.serviceName ?? '',
            date: formatDate(offer.start, offer.timeZone, language),
            time: formatTime(offer.start, offer.timeZone, language),
            claim_url: offer.claimUrl,
            expires_at: formatDateTime(offer.expiresAt, offer.timeZone, language),
          },
        }),
      });
    },

    async queueUsageWarning(trx, tenantId, warning) {
      await composeMessages(trx, composer, tenantId, {
        key: 'plan.usage_warning',
        // One per month and level: the dedupe key makes a second one a no-op.
        dedupeBase: `plan-usage:${warning.period}:${warning.percent}`,
        eventId: null,
        recipient: { kind: 'business' },
        channels: ['email'],
        extra: () => ({ usage: { percent: warning.percent, used: warning.used, limit: warning.limit, month: warning.period.slice(0, 7) } }),
      });
    },
  };
}
