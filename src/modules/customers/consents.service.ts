import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Executor, Trx } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { auditCustomer, type CustomerRequestContext, type CustomersDeps } from './customer-context.ts';
import { consentContext } from './customer-pii.ts';
import * as consents from './consents.repository.ts';
import type { ConsentView, GrantConsentBody } from './consents.schemas.ts';
import * as customers from './customers.repository.ts';
import type { ConsentRecordRow, ConsentType } from './customers.tables.ts';

/** Wording recorded when marketing consent is given through the customer's `marketing_consent` flag. */
export const DEFAULT_MARKETING_PURPOSE = 'Marketing messages about offers and news from the business';

export function toConsentView(keyRing: KeyRing, row: ConsentRecordRow): ConsentView {
  return {
    id: row.id,
    customer_id: row.customer_id,
    consent_type: row.consent_type,
    purpose: row.purpose,
    legal_basis: row.legal_basis,
    source: row.source,
    text_version: row.text_version,
    ip_address: keyRing.decryptNullable(row.ip_address_enc, consentContext(row.tenant_id, 'ip_address')),
    user_agent: keyRing.decryptNullable(row.user_agent_enc, consentContext(row.tenant_id, 'user_agent')),
    granted_at: new Date(row.granted_at).toISOString(),
    withdrawn_at: row.withdrawn_at === null ? null : new Date(row.withdrawn_at).toISOString(),
    withdrawal_source: row.withdrawal_source,
    active: row.withdrawn_at === null,
  };
}

/**
 * Records a grant. A standing grant of the same type is withdrawn first
 * (superseded), so the newest grant carries the current text version and
 * proof. Keeps the customer's `marketing_consent` flag in step.
 */
export async function grantConsentInTransaction(
  trx: Trx,
  keyRing: KeyRing,
  context: CustomerRequestContext,
  customerId: string,
  grant: GrantConsentBody,
): Promise<ConsentRecordRow> {
  const { tenantId } = context;
  await consents.withdrawConsents(trx, tenantId, customerId, { consentType: grant.consent_type, source: 'superseded' });
  const row = await consents.insertConsent(trx, tenantId, {
    customer_id: customerId,
    consent_type: grant.consent_type,
    purpose: grant.purpose,
    legal_basis: grant.legal_basis,
    source: grant.source,
    text_version: grant.text_version ?? null,
    ip_address_enc: keyRing.encryptNullable(context.ip, consentContext(tenantId, 'ip_address')),
    user_agent_enc: keyRing.encryptNullable(context.userAgent?.slice(0, 512), consentContext(tenantId, 'user_agent')),
    key_id: context.ip === null && context.userAgent === null ? null : keyRing.currentKid,
  });
  if (grant.consent_type === 'marketing') {
    await customers.updateCustomer(trx, tenantId, customerId, { marketing_consent: true });
  }
  await auditCustomer(trx, context, 'customer.consent_granted', customerId, {
    newValues: { consent_id: row.id, consent_type: row.consent_type, legal_basis: row.legal_basis, source: row.source },
  });
  return row;
}

/**
 * Withdraws standing grants of a type; for marketing the customer's flag
 * drops in the same transaction, so no marketing message is sent after it commits.
 */
export async function withdrawConsentTypeInTransaction(
  trx: Trx,
  context: CustomerRequestContext,
  customerId: string,
  consentType: ConsentType,
  source: string,
): Promise<ConsentRecordRow[]> {
  const withdrawn = await consents.withdrawConsents(trx, context.tenantId, customerId, { consentType, source });
  if (consentType === 'marketing') {
    await customers.updateCustomer(trx, context.tenantId, customerId, { marketing_consent: false });
  }
  for (const row of withdrawn) {
    await auditCustomer(trx, context, 'customer.consent_withdrawn', customerId, {
      newValues: { consent_id: row.id, consent_type: row.consent_type, source },
    });
  }
  return withdrawn;
}

async function requireLiveCustomer(trx: Trx, tenantId: string, customerId: string, forUpdate = false): Promise<void> {
  const customer = await customers.findLiveCustomer(trx, tenantId, customerId, { forUpdate });
  if (!customer) throw notFound('Customer');
}

export function createConsentsService(deps: CustomersDeps) {
  const { db, keyRing } = deps;
  return {
    async list(context: CustomerRequestContext, customerId: string): Promise<ConsentView[]> {
      return withTenant(db, context.tenantId, async (trx) => {
        await requireLiveCustomer(trx, context.tenantId, customerId);
        const rows = await consents.listConsents(trx, context.tenantId, customerId);
        return rows.map((row) => toConsentView(keyRing, row));
      });
    },

    async grant(context: CustomerRequestContext, customerId: string, grant: GrantConsentBody): Promise<ConsentView> {
      return withTenant(db, context.tenantId, async (trx) => {
        await requireLiveCustomer(trx, context.tenantId, customerId, true);
        return toConsentView(keyRing, await grantConsentInTransaction(trx, keyRing, context, customerId, grant));
      });
    },

    async withdraw(context: CustomerRequestContext, customerId: string, consentId: string, source: string): Promise<ConsentView> {
      return withTenant(db, context.tenantId, async (trx) => {
        await requireLiveCustomer(trx, context.tenantId, customerId, true);
        const consent = await consents.findConsent(trx, context.tenantId, customerId, consentId);
        if (!consent) throw notFound('Consent');
        if (consent.withdrawn_at !== null) {
          throw new AppError('INVALID_TRANSITION', 'This consent was already withdrawn');
        }
        await withdrawConsentTypeInTransaction(trx, context, customerId, consent.consent_type, source);
        const updated = await consents.findConsent(trx, context.tenantId, customerId, consentId);
        if (!updated) throw notFound('Consent');
        return toConsentView(keyRing, updated);
      });
    },
  };
}

export type ConsentsService = ReturnType<typeof createConsentsService>;

/**
 * For notifications: may this customer receive marketing now? False once
 * consent is withdrawn, the customer is erased or merged away.
 */
export async function hasMarketingConsent(executor: Executor, tenantId: string, customerId: string): Promise<boolean> {
  return consents.hasActiveConsent(executor, tenantId, customerId, 'marketing');
}

/** A page of the customers a marketing message may go to (standing marketing consent), by id. */
export async function marketingAudience(executor: Executor, tenantId: string, afterId: string | null, limit: number): Promise<string[]> {
  return consents.customersWithActiveConsent(executor, tenantId, 'marketing', { afterId, limit });
}

/** For an unsubscribe link or the customer's own account: withdraws marketing consent at once. */
export async function withdrawMarketingConsent(
  trx: Trx,
  tenantId: string,
  customerId: string,
  source: string,
): Promise<number> {
  const withdrawn = await withdrawConsentTypeInTransaction(
    trx,
    { tenantId, auth: null, ip: null, userAgent: null, requestId: null, accessReason: null },
    customerId,
    'marketing',
    source,
  );
  return withdrawn.length;
}
