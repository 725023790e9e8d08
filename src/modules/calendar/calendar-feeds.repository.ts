import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { CalendarFeedKind, CalendarFeedsTable } from './calendar.tables.ts';

export type CalendarFeedRow = Selectable<CalendarFeedsTable>;

export async function insertFeed(
  executor: Executor,
  tenantId: string,
  feed: { kind: CalendarFeedKind; resourceId: string | null; customerId: string | null; name: string | null; tokenHash: string },
): Promise<CalendarFeedRow> {
  return executor
    .insertInto('calendar_feeds')
    .values({
      tenant_id: tenantId,
      kind: feed.kind,
      resource_id: feed.resourceId,
      customer_id: feed.customerId,
      name: feed.name,
      token_hash: feed.tokenHash,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listFeeds(
  executor: Executor,
  tenantId: string,
  options: { after?: { createdAt: string; id: string } | undefined; limit: number },
): Promise<CalendarFeedRow[]> {
  return executor
    .selectFrom('calendar_feeds')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .$if(options.after !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('created_at', '>', new Date(options.after?.createdAt ?? 0)),
          eb.and([eb('created_at', '=', new Date(options.after?.createdAt ?? 0)), eb('id', '>', options.after?.id ?? '')]),
        ]),
      ),
    )
    .orderBy('created_at')
    .orderBy('id')
    .limit(options.limit)
    .execute();
}

export async function revokeFeed(executor: Executor, tenantId: string, feedId: string): Promise<CalendarFeedRow | undefined> {
  return executor
    .updateTable('calendar_feeds')
    .set({ revoked_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', feedId)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export async function findFeed(executor: Executor, tenantId: string, feedId: string): Promise<CalendarFeedRow | undefined> {
  return executor
    .selectFrom('calendar_feeds')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', feedId)
    .executeTakeFirst();
}

/**
 * The live feed behind a token, across tenants: only the token names the
 * tenant, so the caller runs this as platform work and then continues in
 * that tenant's context.
 */
export async function findLiveFeedByTokenHash(
  executor: Executor,
  tokenHash: string,
): Promise<{ tenant_id: string; id: string } | undefined> {
  return executor
    .selectFrom('calendar_feeds')
    .select(['tenant_id', 'id'])
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function touchFeed(executor: Executor, tenantId: string, feedId: string): Promise<void> {
  await executor
    .updateTable('calendar_feeds')
    .set({ last_used_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', feedId)
    .execute();
}

/** A customer's own feeds (export). */
export async function feedsOfCustomer(executor: Executor, tenantId: string, customerId: string): Promise<CalendarFeedRow[]> {
  return executor
    .selectFrom('calendar_feeds')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Deletes a customer's feeds, revoked ones included (erasure); returns how many. */
export async function deleteFeedsOfCustomer(executor: Executor, tenantId: string, customerId: string): Promise<number> {
  const result = await executor.deleteFrom('calendar_feeds').where('tenant_id', '=', tenantId).where('customer_id', '=', customerId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Moves a merged-away customer's feeds to the surviving customer. */
export async function reassignCustomerFeeds(executor: Executor, tenantId: string, fromId: string, toId: string): Promise<number> {
  const result = await executor
    .updateTable('calendar_feeds')
    .set({ customer_id: toId })
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', fromId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
