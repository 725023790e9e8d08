/**
 * The customers module's part in a whole-business export (the portability module, issue 18): every customer the
 * business holds, in clear, with their consent records. Erased and merged-away customers are left out (nothing of
 * them is left to give back). Read in the caller's tenant transaction.
 */
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Executor } from '../../platform/db/database.ts';
import { toConsentView } from './consents.service.ts';
import { decryptCustomerPii } from './customer-pii.ts';

export async function customerRecordsForExport(executor: Executor, keyRing: KeyRing, tenantId: string) {
  const rows = await executor
    .selectFrom('customers')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('erased_at', 'is', null)
    .where('merged_into_id', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const customers = rows.map((row) => ({
    id: row.id,
    type: row.type,
    status: row.status,
    ...decryptCustomerPii(keyRing, row),
    marketing_consent: row.marketing_consent,
    preferences: row.preferences,
    email_verified_at: row.email_verified_at,
    phone_verified_at: row.phone_verified_at,
    last_activity_at: row.last_activity_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  }));
  const live = new Set(customers.map((customer) => customer.id));
  const consentRows = await executor.selectFrom('consent_records').selectAll().where('tenant_id', '=', tenantId).orderBy('granted_at').orderBy('id').execute();
  const consents = consentRows.filter((row) => live.has(row.customer_id)).map((row) => toConsentView(keyRing, row));
  return { customers, consents };
}
