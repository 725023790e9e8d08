import { createHash, randomBytes } from 'node:crypto';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db } from '../../platform/db/database.ts';
import { withPlatform, withTenant } from '../../platform/db/tenant-context.ts';
import { notFound } from '../../platform/http/errors.ts';
import { createdAtCursor, encodeCursor, type PageQuery } from '../../platform/http/pagination.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import { resourceExists } from '../catalog/index.ts';
import { getCustomerForBooking } from '../customers/index.ts';
import { listFeedEntries, type CalendarEntryRow } from './calendar-entries.repository.ts';
import * as feeds from './calendar-feeds.repository.ts';
import type { CreateFeedBody, Feed } from './calendar.schemas.ts';
import { buildBookingsIcs, type IcsBooking } from './ics.ts';

export interface CalendarFeedsDeps {
  db: Db;
  keyRing: KeyRing;
  /** Public base URL of the API, for the subscription link. */
  publicUrl: string;
}

/** How far back a feed reaches; older bookings drop out of subscribed calendars. */
const FEED_PAST_DAYS = 90;
const FEED_MAX_EVENTS = 2_000;
const TOKEN_PREFIX = 'rhcal_';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toFeed(row: feeds.CalendarFeedRow): Feed {
  return {
    id: row.id,
    kind: row.kind,
    resource_id: row.resource_id,
    customer_id: row.customer_id,
    name: row.name,
    status: row.revoked_at === null ? 'active' : 'revoked',
    created_at: row.created_at.toISOString(),
    revoked_at: row.revoked_at?.toISOString() ?? null,
    last_used_at: row.last_used_at?.toISOString() ?? null,
  };
}

function summaryOf(entry: CalendarEntryRow, kind: 'resource' | 'customer'): string {
  const service = entry.service_name ?? 'Booking';
  if (kind === 'customer') return entry.resource_name ? `${service} · ${entry.resource_name}` : service;
  return entry.booking_number ? `${service} · ${entry.booking_number}` : service;
}

/**
 * ICS feeds per resource and per customer behind unguessable, revocable
 * tokens. Only the token's SHA-256 is stored: a database leak gives no feed.
 */
export function createCalendarFeedsService(deps: CalendarFeedsDeps) {
  return {
    async create(tenantId: string, body: CreateFeedBody): Promise<Feed & { token: string; url: string }> {
      const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      const row = await withTenant(deps.db, tenantId, async (trx) => {
        if (body.kind === 'resource') {
          if (!(await resourceExists(trx, tenantId, body.resource_id ?? ''))) throw notFound('Resource');
        } else {
          await getCustomerForBooking(trx, deps.keyRing, tenantId, body.customer_id ?? '');
        }
        return feeds.insertFeed(trx, tenantId, {
          kind: body.kind,
          resourceId: body.kind === 'resource' ? (body.resource_id ?? null) : null,
          customerId: body.kind === 'customer' ? (body.customer_id ?? null) : null,
          name: body.name ?? null,
          tokenHash: hashToken(token),
        });
      });
      return { ...toFeed(row), token, url: `${deps.publicUrl}/api/v1/calendar/feeds/${token}.ics` };
    },

    async list(tenantId: string, query: PageQuery): Promise<{ items: Feed[]; pagination: PaginationMeta }> {
      const after = createdAtCursor(query.cursor);
      const rows = await withTenant(deps.db, tenantId, (trx) =>
        feeds.listFeeds(trx, tenantId, {
          after: after ? { createdAt: after.createdAt.toISOString(), id: after.id } : undefined,
          limit: query.limit + 1,
        }),
      );
      const hasMore = rows.length > query.limit;
      const items = rows.slice(0, query.limit);
      const last = items.at(-1);
      return {
        items: items.map(toFeed),
        pagination: {
          cursor: hasMore && last ? encodeCursor({ value: last.created_at.toISOString(), id: last.id }) : null,
          has_more: hasMore,
        },
      };
    },

    async revoke(tenantId: string, feedId: string): Promise<void> {
      const revoked = await withTenant(deps.db, tenantId, (trx) => feeds.revokeFeed(trx, tenantId, feedId));
      if (!revoked) throw notFound('Calendar feed');
    },

    /** The ICS text of a live feed; NOT_FOUND for an unknown or revoked token. */
    async render(token: string): Promise<string> {
      const owner = await withPlatform(deps.db, (trx) => feeds.findLiveFeedByTokenHash(trx, hashToken(token)));
      if (!owner) throw notFound('Calendar feed');
      return withTenant(deps.db, owner.tenant_id, async (trx) => {
        const feed = await feeds.findFeed(trx, owner.tenant_id, owner.id);
        if (!feed || feed.revoked_at !== null) throw notFound('Calendar feed');
        const entries = await listFeedEntries(trx, owner.tenant_id, {
          resourceId: feed.kind === 'resource' ? (feed.resource_id ?? undefined) : undefined,
          customerId: feed.kind === 'customer' ? (feed.customer_id ?? undefined) : undefined,
          since: new Date(Date.now() - FEED_PAST_DAYS * 86_400_000),
          limit: FEED_MAX_EVENTS,
        });
        await feeds.touchFeed(trx, owner.tenant_id, feed.id);
        const bookings: IcsBooking[] = entries.map((entry) => ({
          bookingId: entry.booking_id,
          sequence: entry.sequence,
          status: entry.status,
          startTime: entry.start_time,
          endTime: entry.end_time,
          timezone: entry.timezone,
          summary: summaryOf(entry, feed.kind),
          location: entry.location_name ?? undefined,
          stamp: entry.updated_at,
        }));
        return buildBookingsIcs(bookings, { name: feed.name ?? 'ReserveHub', ttlSeconds: 900 });
      });
    },
  };
}

export type CalendarFeedsService = ReturnType<typeof createCalendarFeedsService>;
