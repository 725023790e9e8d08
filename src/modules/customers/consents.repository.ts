import { sql, type Insertable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { ConsentRecordRow, ConsentRecordsTable, ConsentType } from './customers.tables.ts';

/** SQL for `consent_records`; every query names the tenant. */

function consentsOf(executor: Executor, tenantId: string) {
  return executor.selectFrom('consent_records').where('consent_records.tenant_id', '=', tenantId);
}

export async function insertConsent(
  executor: Executor,
  tenantId: string,
  values: Omit<Insertable<ConsentRecordsTable>, 'tenant_id'>,
): Promise<ConsentRecordRow> {
  return executor
    .insertInto('consent_records')
    .values({ ...values, tenant_id: tenantId })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listConsents(executor: Executor, tenantId: string, customerId: string): Promise<ConsentRecordRow[]> {
  return consentsOf(executor, tenantId)
    .where('customer_id', '=', customerId)
    .orderBy('granted_at', 'desc')
    .orderBy('id', 'desc')
    .selectAll()
    .execute();
}

export async function findConsent(
  executor: Executor,
  tenantId: string,
  customerId: string,
  consentId: string,
): Promise<ConsentRecordRow | null> {
  const row = await consentsOf(executor, tenantId)
    .where('customer_id', '=', customerId)
    .where('id', '=', consentId)
    .selectAll()
    .forUpdate()
    .executeTakeFirst();
  return row ?? null;
}

export async function findActiveConsent(
  executor: Executor,
  tenantId: string,
  customerId: string,
  consentType: ConsentType,
): Promise<ConsentRecordRow | null> {
  const row = await consentsOf(executor, tenantId)
    .where('customer_id', '=', customerId)
    .where('consent_type', '=', consentType)
    .where('withdrawn_at', 'is', null)
    .selectAll()
    .executeTakeFirst();
  return row ?? null;
}

/** Withdraws standing grants of one type (all types when null); returns the withdrawn rows. */
export async function withdrawConsents(
  executor: Executor,
  tenantId: string,
  customerId: string,
  filter: { consentType: ConsentType | null; consentId?: string; source: string },
): Promise<ConsentRecordRow[]> {
  return executor
    .updateTable('consent_records')
    .set({ withdrawn_at: sql<Date>`greatest(now(), granted_at)`, withdrawal_source: filter.source })
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .where('withdrawn_at', 'is', null)
    .$if(filter.consentType !== null, (query) => query.where('consent_type', '=', filter.consentType ?? 'marketing'))
    .$if(filter.consentId !== undefined, (query) => query.where('id', '=', filter.consentId ?? ''))
    .returningAll()
    .execute();
}

/** Moves a customer's consent records to another customer (merge). */
export async function reassignConsents(
  executor: Executor,
  tenantId: string,
  fromCustomerId: string,
  toCustomerId: string,
): Promise<number> {
  const result = await executor
    .updateTable('consent_records')
    .set({ customer_id: toCustomerId })
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', fromCustomerId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Erasure: the proof (IP, user agent) goes; what was consented to and when stays as evidence. */
export async function anonymizeConsents(executor: Executor, tenantId: string, customerId: string): Promise<number> {
  const result = await executor
    .updateTable('consent_records')
    .set({ ip_address_enc: null, user_agent_enc: null, key_id: null, withdrawn_at: sql<Date>`coalesce(withdrawn_at, greatest(now(), granted_at))` })
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Consent evidence of customers erased before `erasedBefore` has served its time. */
export async function deleteConsentsOfCustomersErasedBefore(
  executor: Executor,
  tenantId: string,
  erasedBefore: Date,
): Promise<number> {
  const result = await executor
    .deleteFrom('consent_records')
    .where('tenant_id', '=', tenantId)
    .where('customer_id', 'in', (eb) =>
      eb
        .selectFrom('customers')
        .where('customers.tenant_id', '=', tenantId)
        .where('customers.erased_at', '<', erasedBefore)
        .select('customers.id'),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function hasActiveConsent(
  executor: Executor,
  tenantId: string,
  customerId: string,
  consentType: ConsentType,
): Promise<boolean> {
  const row = await consentsOf(executor, tenantId)
    .innerJoin('customers', (join) =>
      join.onRef('customers.tenant_id', '=', 'consent_records.tenant_id').onRef('customers.id', '=', 'consent_records.customer_id'),
    )
    .where('consent_records.customer_id', '=', customerId)
    .where('consent_records.consent_type', '=', consentType)
    .where('consent_records.withdrawn_at', 'is', null)
    .where('customers.erased_at', 'is', null)
    .where('customers.merged_into_id', 'is', null)
    .select('consent_records.id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The next `limit` customers (by id, after `afterId`) who hold a standing consent of `consentType`:
 * a marketing message's audience, read a page at a time. Erased and merged-away customers never count.
 */
export async function customersWithActiveConsent(
  executor: Executor,
  tenantId: string,
  consentType: ConsentType,
  page: { afterId: string | null; limit: number },
): Promise<string[]> {
  let query = consentsOf(executor, tenantId)
    .innerJoin('customers', (join) =>
      join.onRef('customers.tenant_id', '=', 'consent_records.tenant_id').onRef('customers.id', '=', 'consent_records.customer_id'),
    )
    .where('consent_records.consent_type', '=', consentType)
    .where('consent_records.withdrawn_at', 'is', null)
    .where('customers.erased_at', 'is', null)
    .where('customers.merged_into_id', 'is', null);
  if (page.afterId !== null) query = query.where('customers.id', '>', page.afterId);
  const rows = await query.select('customers.id').distinct().orderBy('customers.id').limit(page.limit).execute();
  return rows.map((row) => row.id);
}

export async function lockStaleKeyConsents(
  executor: Executor,
  tenantId: string,
  currentKid: string,
  limit: number,
): Promise<ConsentRecordRow[]> {
  return consentsOf(executor, tenantId)
    .where('key_id', 'is not', null)
    .where('key_id', '<>', currentKid)
    .selectAll()
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function updateConsentProof(
  executor: Executor,
  tenantId: string,
  consentId: string,
  values: { ip_address_enc: string | null; user_agent_enc: string | null; key_id: string | null },
): Promise<void> {
  await executor
    .updateTable('consent_records')
    .set(values)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', consentId)
    .execute();
}
