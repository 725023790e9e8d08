import { sql, type Insertable, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { deferWrites } from '../../platform/db/transaction-context.ts';
import type { CursorPosition } from '../../platform/http/pagination.ts';
import type { EncryptedCustomerColumns } from './customer-pii.ts';
import type { CustomerRow, CustomersTable, CustomerStatus, CustomerType } from './customers.tables.ts';

/**
 * SQL for `customers`. Every query names the tenant (RLS is the second lock),
 * and "live" queries skip tombstones: rows erased or merged away never come
 * back through a lookup, a list or a search.
 */

/** The one place tenant scoping of `customers` is written. */
function customersOf(executor: Executor, tenantId: string) {
  return executor.selectFrom('customers').where('customers.tenant_id', '=', tenantId);
}

function liveCustomersOf(executor: Executor, tenantId: string) {
  return customersOf(executor, tenantId).where('erased_at', 'is', null).where('merged_into_id', 'is', null);
}

export type NewCustomerRow = Omit<Insertable<CustomersTable>, 'tenant_id' | keyof EncryptedCustomerColumns> &
  EncryptedCustomerColumns & { id: string };

export async function insertCustomer(executor: Executor, tenantId: string, values: NewCustomerRow): Promise<CustomerRow> {
  return executor
    .insertInto('customers')
    .values({ ...values, tenant_id: tenantId })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findLiveCustomer(
  executor: Executor,
  tenantId: string,
  customerId: string,
  options: { forUpdate?: boolean } = {},
): Promise<CustomerRow | null> {
  const row = await liveCustomersOf(executor, tenantId)
    .where('id', '=', customerId)
    .selectAll()
    .$if(options.forUpdate === true, (query) => query.forUpdate())
    .executeTakeFirst();
  return row ?? null;
}

/** Live customers among `customerIds`, in one read; erased, merged-away and unknown ids are absent. */
export async function findLiveCustomers(executor: Executor, tenantId: string, customerIds: readonly string[]): Promise<CustomerRow[]> {
  if (customerIds.length === 0) return [];
  return liveCustomersOf(executor, tenantId).where('id', 'in', [...new Set(customerIds)]).selectAll().execute();
}

type ContactIndexes = { emailBidx: string | null; phoneBidx: string | null };

/** Live customers holding either blind index, among proven records or among unproven ones (migration 0070). */
function liveByContactIndex(executor: Executor, tenantId: string, indexes: ContactIndexes, unproven: boolean) {
  return liveCustomersOf(executor, tenantId)
    .where('contact_unproven', '=', unproven)
    .where((eb) =>
      eb.or([
        ...(indexes.emailBidx !== null ? [eb('email_bidx', '=', indexes.emailBidx)] : []),
        ...(indexes.phoneBidx !== null ? [eb('phone_bidx', '=', indexes.phoneBidx)] : []),
      ]),
    )
    .selectAll();
}

/**
 * Live customers matching either blind index (at most two rows: one per unique index).
 * Records of unproven contacts (`contact_unproven`) are never matched by contact.
 */
export async function findLiveByContactIndex(executor: Executor, tenantId: string, indexes: ContactIndexes): Promise<CustomerRow[]> {
  if (indexes.emailBidx === null && indexes.phoneBidx === null) return [];
  return liveByContactIndex(executor, tenantId, indexes, false).execute();
}

/** Live guest records of unproven contacts (migration 0070) holding either index, oldest first. */
export async function findUnprovenByContactIndex(executor: Executor, tenantId: string, indexes: ContactIndexes): Promise<CustomerRow[]> {
  if (indexes.emailBidx === null && indexes.phoneBidx === null) return [];
  return liveByContactIndex(executor, tenantId, indexes, true).orderBy('created_at').execute();
}

/**
 * Inserts the customer unless a row already holds its email or phone index, and in the
 * same statement reads the live rows holding either index when it did not insert (as the
 * statement began: a row a concurrent transaction commits meanwhile is neither inserted
 * over nor returned, and the caller looks again).
 */
export async function insertUnlessContactTaken(
  executor: Executor,
  tenantId: string,
  values: NewCustomerRow,
  indexes: { emailBidx: string | null; phoneBidx: string | null },
): Promise<{ inserted: CustomerRow | null; holders: CustomerRow[] }> {
  const insert = executor
    .insertInto('customers')
    .values({ ...values, tenant_id: tenantId })
    .onConflict((conflict) => conflict.doNothing())
    .returningAll();
  const holders = liveCustomersOf(executor, tenantId)
    .where('contact_unproven', '=', false)
    .where((eb) =>
      eb.or([
        ...(indexes.emailBidx !== null ? [eb('email_bidx', '=', indexes.emailBidx)] : []),
        ...(indexes.phoneBidx !== null ? [eb('phone_bidx', '=', indexes.phoneBidx)] : []),
      ]),
    )
    .selectAll();
  const { rows } = await sql<CustomerRow & { inserted: boolean }>`
    with ins as (${insert})
    select ins.*, true as inserted from ins
    union all
    select holders.*, false as inserted from (${holders}) as holders where not exists (select 1 from ins)`.execute(executor);
  const inserted = rows.find((row) => row.inserted);
  const strip = ({ inserted: _inserted, ...row }: CustomerRow & { inserted: boolean }): CustomerRow => row;
  return { inserted: inserted ? strip(inserted) : null, holders: rows.filter((row) => !row.inserted).map(strip) };
}

/** Rows holding either index, excluding one customer: who would a change collide with? */
export async function findContactIndexHolders(
  executor: Executor,
  tenantId: string,
  indexes: { emailBidx: string | null; phoneBidx: string | null },
  exceptId: string | null,
): Promise<Array<Pick<CustomerRow, 'id' | 'email_bidx' | 'phone_bidx'>>> {
  if (indexes.emailBidx === null && indexes.phoneBidx === null) return [];
  return customersOf(executor, tenantId)
    // Unproven guest records stand outside the uniqueness of contacts (migration 0070).
    .where('contact_unproven', '=', false)
    .where((eb) =>
      eb.or([
        ...(indexes.emailBidx !== null ? [eb('email_bidx', '=', indexes.emailBidx)] : []),
        ...(indexes.phoneBidx !== null ? [eb('phone_bidx', '=', indexes.phoneBidx)] : []),
      ]),
    )
    .$if(exceptId !== null, (query) => query.where('id', '<>', exceptId ?? ''))
    .select(['id', 'email_bidx', 'phone_bidx'])
    .execute();
}

export interface CustomerListFilter {
  /** Exact email or phone match by blind index. */
  emailBidx?: string | undefined;
  phoneBidx?: string | undefined;
  /** Every token must be among the row's name tokens. */
  nameTokens?: string[] | undefined;
  status?: CustomerStatus | undefined;
  type?: CustomerType | undefined;
  after?: CursorPosition | undefined;
  limit: number;
}

/** Newest first, keyset-paginated on (created_at, id); fetches limit + 1 rows. */
export async function listLiveCustomers(executor: Executor, tenantId: string, filter: CustomerListFilter): Promise<CustomerRow[]> {
  return liveCustomersOf(executor, tenantId)
    .$if(filter.emailBidx !== undefined, (query) => query.where('email_bidx', '=', filter.emailBidx ?? ''))
    .$if(filter.phoneBidx !== undefined, (query) => query.where('phone_bidx', '=', filter.phoneBidx ?? ''))
    .$if(filter.nameTokens !== undefined, (query) =>
      query.where(sql<boolean>`name_tokens @> ${sql.val(filter.nameTokens ?? [])}::text[]`),
    )
    .$if(filter.status !== undefined, (query) => query.where('status', '=', filter.status ?? 'active'))
    .$if(filter.type !== undefined, (query) => query.where('type', '=', filter.type ?? 'guest'))
    .$if(filter.after !== undefined, (query) =>
      query.where((eb) =>
        eb(
          eb.refTuple('created_at', 'id'),
          '<',
          eb.tuple(sql<Date>`${filter.after?.value ?? ''}::timestamptz`, filter.after?.id ?? ''),
        ),
      ),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .selectAll()
    .execute();
}

export type CustomerPatch = Omit<Updateable<CustomersTable>, 'tenant_id' | 'id' | 'created_at'>;

export async function updateCustomer(
  executor: Executor,
  tenantId: string,
  customerId: string,
  patch: CustomerPatch,
): Promise<CustomerRow> {
  return executor
    .updateTable('customers')
    .set({ ...patch, updated_at: sql<Date>`now()` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', customerId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Marks the customer as seen now (guest retention counts from it); sent with the transaction's deferred writes. */
export async function touchCustomerActivity(executor: Executor, tenantId: string, customerId: string): Promise<void> {
  await deferWrites(executor, [
    executor.updateTable('customers').set({ last_activity_at: sql<Date>`now()` }).where('tenant_id', '=', tenantId).where('id', '=', customerId),
  ]);
}

/** Live rows whose ciphertexts are not under `currentKid`, locked for re-encryption; others' locks are skipped. */
export async function lockStaleKeyCustomers(
  executor: Executor,
  tenantId: string,
  currentKid: string,
  limit: number,
): Promise<CustomerRow[]> {
  return customersOf(executor, tenantId)
    .where('key_id', 'is not', null)
    .where('key_id', '<>', currentKid)
    .selectAll()
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Guests not seen since `before`: their data has expired. */
export async function listExpiredGuestIds(executor: Executor, tenantId: string, before: Date, limit: number): Promise<string[]> {
  const rows = await liveCustomersOf(executor, tenantId)
    .where('type', '=', 'guest')
    .where('last_activity_at', '<', before)
    .select('id')
    .orderBy('last_activity_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** Key rotation: same values under a new key; not a change anyone made, so updated_at stays. */
export async function rewriteCustomerCiphertexts(
  executor: Executor,
  tenantId: string,
  customerId: string,
  columns: EncryptedCustomerColumns,
): Promise<void> {
  await executor
    .updateTable('customers')
    .set(columns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', customerId)
    .execute();
}
