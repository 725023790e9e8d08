import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { ProviderAccount } from './payment-provider.ts';
import type { PaymentAccountsTable } from './payments.tables.ts';
import './payments.tables.ts';

export type PaymentAccountRow = Selectable<PaymentAccountsTable>;

export async function findAccount(executor: Executor, tenantId: string, provider: string): Promise<PaymentAccountRow | undefined> {
  return executor
    .selectFrom('payment_accounts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('provider', '=', provider)
    .executeTakeFirst();
}

/** The tenant's account, locked: status updates from webhooks and refreshes serialise on it. */
export async function lockAccount(executor: Executor, tenantId: string, provider: string): Promise<PaymentAccountRow | undefined> {
  return executor
    .selectFrom('payment_accounts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('provider', '=', provider)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Records a newly created account. When a concurrent request recorded one first,
 * nothing is inserted and that one is returned (the provider answered both with
 * the same account, as they share the idempotency key).
 */
export async function insertAccount(
  executor: Executor,
  values: { tenantId: string; provider: string; account: ProviderAccount; syncedAt: Date },
): Promise<PaymentAccountRow> {
  const inserted = await executor
    .insertInto('payment_accounts')
    .values({
      tenant_id: values.tenantId,
      provider: values.provider,
      account_id: values.account.id,
      ...statusColumns(values.account),
      synced_at: values.syncedAt,
    })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'provider']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return inserted;
  const existing = await findAccount(executor, values.tenantId, values.provider);
  if (!existing) throw new Error(`payment account of tenant ${values.tenantId} vanished during insert`);
  return existing;
}

export async function updateAccountStatus(
  executor: Executor,
  tenantId: string,
  provider: string,
  account: ProviderAccount,
  syncedAt: Date,
): Promise<PaymentAccountRow> {
  return executor
    .updateTable('payment_accounts')
    .set({ ...statusColumns(account), synced_at: syncedAt, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('provider', '=', provider)
    .where('account_id', '=', account.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Platform lookup for account webhooks, which arrive without a tenant: which
 * tenant holds this provider account. Runs outside tenant context (served by
 * the index `payment_accounts_account_id`).
 */
export async function tenantOfAccount(executor: Executor, provider: string, accountId: string): Promise<string | undefined> {
  const row = await executor
    .selectFrom('payment_accounts')
    .select('tenant_id')
    .where('provider', '=', provider)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row?.tenant_id;
}

function statusColumns(account: ProviderAccount) {
  return {
    charges_enabled: account.chargesEnabled,
    payouts_enabled: account.payoutsEnabled,
    details_submitted: account.detailsSubmitted,
    requirements_due: JSON.stringify(account.requirementsDue),
    disabled_reason: account.disabledReason,
  };
}
