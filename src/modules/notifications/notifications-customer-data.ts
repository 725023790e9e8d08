/**
 * Notifications' part in customers' privacy rights and merges (the module's
 * `customerData`, handed to the customers module at construction): the messages
 * sent to the customer — their own, and the verification codes sent to
 * their email or phone before they were a customer — and their browsers'
 * push subscriptions.
 */
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Trx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/http/errors.ts';
import {
  getCustomerForBooking,
  type CustomerMergeParticipant,
  type ErasureParticipant,
  type PersonalDataContributor,
} from '../customers/index.ts';
import { contentContext } from './message-composer.ts';
import { addressIndex } from './message-content.ts';
import * as repo from './notifications.repository.ts';
import { maskSecret } from './one-time-secret.ts';
import { deletePushSubscriptionsOf, pushSubscriptionsForExport, reassignPushSubscriptions } from './push-subscriptions.ts';

/** The customer's messages: by customer id, and by their addresses for messages sent before they had one. */
async function messagesFilter(trx: Trx, keyRing: KeyRing, tenantId: string, customerId: string): Promise<repo.CustomerMessagesFilter> {
  try {
    const customer = await getCustomerForBooking(trx, keyRing, tenantId, customerId);
    const addresses = [customer.email, customer.phone].filter((value): value is string => value !== null);
    return { customerId, recipientBidxs: addresses.map((address) => addressIndex(keyRing, address)) };
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return { customerId, recipientBidxs: [] };
    throw error;
  }
}

export function notificationsContributor(keyRing: KeyRing): PersonalDataContributor {
  return {
    name: 'communications',
    purposes: ['Telling the customer about their bookings and payments', 'Verifying their email or phone', 'Marketing they agreed to'],
    recipients: ['The business', 'The services that carry the messages: email (SMTP), SMS and WhatsApp (Twilio), Web Push'],
    retention: 'While the customer exists; on erasure the messages lose their content and addresses',
    async collect(trx, tenantId, customerId) {
      const rows = await repo.listCustomerMessages(trx, tenantId, await messagesFilter(trx, keyRing, tenantId, customerId));
      return rows.map((row) => {
        const context = contentContext(tenantId, row.id);
        return {
          id: row.id,
          channel: row.channel,
          template: row.event_type,
          status: row.status,
          // The address in full, as the profile shows it; the masked hint when it was not kept.
          recipient: keyRing.decryptNullable(row.recipient_enc, context) ?? row.recipient_hint,
          subject: maskSecret(keyRing.decryptNullable(row.subject_enc, context)),
          booking_id: row.booking_id,
          sent_at: row.sent_at?.toISOString() ?? null,
          delivered_at: row.delivered_at?.toISOString() ?? null,
          failed_at: row.failed_at?.toISOString() ?? null,
          created_at: row.created_at.toISOString(),
        };
      });
    },
  };
}

export function pushSubscriptionsContributor(keyRing: KeyRing): PersonalDataContributor {
  return {
    name: 'push_subscriptions',
    purposes: ['Sending the customer Web Push messages in the browsers they subscribed'],
    recipients: ['The browser vendor\'s push service'],
    retention: 'Until the customer unsubscribes, the push service reports the subscription gone, or the customer is erased',
    collect: (trx, tenantId, customerId) => pushSubscriptionsForExport(trx, keyRing, tenantId, customerId),
  };
}

/**
 * Erasure: the customer's messages keep only their delivery facts (channel,
 * template, status, times); content, addresses, codes and invitations go, and
 * messages not sent yet never will. Push subscriptions are deleted.
 */
export function notificationsErasureParticipant(keyRing: KeyRing): ErasureParticipant {
  return {
    name: 'notifications',
    async erase(trx, tenantId, customerId) {
      const stripped = await repo.eraseCustomerMessages(trx, tenantId, await messagesFilter(trx, keyRing, tenantId, customerId));
      const subscriptions = await deletePushSubscriptionsOf(trx, tenantId, customerId);
      return {
        deleted: [
          { table: 'notifications', count: stripped, anonymized: true },
          { table: 'push_subscriptions', count: subscriptions, anonymized: false },
        ],
        retained: [],
      };
    },
  };
}

export function notificationsMergeParticipant(keyRing: KeyRing): CustomerMergeParticipant {
  return {
    name: 'notifications',
    async reassign(trx, tenantId, ids) {
      const messages = await repo.reassignCustomerMessages(trx, tenantId, ids.duplicateId, ids.survivorId);
      const subscriptions = await reassignPushSubscriptions(trx, keyRing, tenantId, ids.duplicateId, ids.survivorId);
      return messages + subscriptions;
    },
  };
}
