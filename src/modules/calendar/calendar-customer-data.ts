/**
 * Calendar's part in customers' privacy rights and merges: the customer's ICS
 * feeds (handed to the customers module at construction by the composition root).
 *
 * Erasure deletes the feeds outright: a feed is a standing way to read the
 * customer's appointments, nothing requires keeping it, and its token hash
 * would otherwise keep working or at least keep a trace of the subscription.
 * The calendar projection itself (`calendar_entries`) holds no personal data
 * (booking number, service, resource, times, the customer's id) and mirrors
 * bookings kept as accounting records, so it follows the bookings.
 */
import type { CustomerDataHolder } from '../customers/index.ts';
import { deleteFeedsOfCustomer, feedsOfCustomer, reassignCustomerFeeds } from './calendar-feeds.repository.ts';

export const calendarCustomerData: CustomerDataHolder = {
  contributors: [
    {
      name: 'calendar_feeds',
      purposes: ["Showing the customer's appointments in their own calendar application"],
      recipients: ['The calendar application the customer subscribed with'],
      retention: 'Until the customer or the business revokes the feed, or the customer is erased',
      async collect(trx, tenantId, customerId) {
        return (await feedsOfCustomer(trx, tenantId, customerId)).map((feed) => ({
          id: feed.id,
          name: feed.name,
          created_at: new Date(feed.created_at).toISOString(),
          revoked_at: feed.revoked_at === null ? null : new Date(feed.revoked_at).toISOString(),
          last_used_at: feed.last_used_at === null ? null : new Date(feed.last_used_at).toISOString(),
        }));
      },
    },
  ],
  erasureParticipants: [
    {
      name: 'calendar_feeds',
      async erase(trx, tenantId, customerId) {
        const count = await deleteFeedsOfCustomer(trx, tenantId, customerId);
        return { deleted: [{ table: 'calendar_feeds', count, anonymized: false }], retained: [] };
      },
    },
  ],
  mergeParticipants: [
    {
      name: 'calendar_feeds',
      reassign: (trx, tenantId, ids) => reassignCustomerFeeds(trx, tenantId, ids.duplicateId, ids.survivorId),
    },
  ],
};
