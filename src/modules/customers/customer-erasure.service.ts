import type { Trx } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { publishEvent } from '../../platform/events/outbox.ts';
import { customerEvents } from './customers.events.ts';
import { notFound } from '../../platform/http/errors.ts';
import { auditCustomer, type CustomerRequestContext, type CustomersDeps } from './customer-context.ts';
import type { CustomerDataRegistry, ErasureContext } from './customer-data-registry.ts';
import { EMPTY_PII_COLUMNS } from './customer-pii.ts';
import * as consents from './consents.repository.ts';
import * as repo from './customers.repository.ts';
import type { DeletionReport } from './privacy.schemas.ts';
import { recordFulfilledRequest } from './privacy-requests.ts';

/**
 * Consent records outlive the customer's erasure as evidence that processing
 * was lawful while it lasted (GDPR Art. 7(1) asks the controller to be able to
 * demonstrate consent), stripped of the IP address and user agent, until
 * claims about that processing are time-barred.
 */
export const CONSENT_EVIDENCE_RETENTION_YEARS = 3;

export function consentEvidenceDeletionDate(erasedAt: Date): Date {
  const date = new Date(erasedAt);
  date.setUTCFullYear(date.getUTCFullYear() + CONSENT_EVIDENCE_RETENTION_YEARS);
  return date;
}

/**
 * Erasure (Art. 17) inside the caller's transaction: every registered
 * participant first (bookings, payments, notifications...), then the
 * customer's own data. The row stays as an empty tombstone (id, type,
 * timestamps) because financial records kept by law still point at it; all
 * ciphertexts, blind indexes, name tokens, preferences and verification
 * stamps are removed, so nothing can be decrypted, searched or matched again.
 */
export async function eraseCustomerInTransaction(
  trx: Trx,
  registry: CustomerDataRegistry,
  context: CustomerRequestContext,
  customerId: string,
  reason: ErasureContext['reason'],
): Promise<DeletionReport> {
  const { tenantId } = context;
  const customer = await repo.findLiveCustomer(trx, tenantId, customerId, { forUpdate: true });
  if (!customer) throw notFound('Customer');
  const erasedAt = new Date();
  const report: DeletionReport = {
    user_id: customerId,
    deletion_date: erasedAt.toISOString(),
    deleted_records: [],
    retained_records: [],
  };
  for (const participant of registry.erasureParticipants) {
    const outcome = await participant.erase(trx, tenantId, customerId, { reason, erasedAt });
    report.deleted_records.push(...outcome.deleted);
    report.retained_records.push(
      ...outcome.retained.map((kept) => ({ ...kept, deletion_scheduled: kept.deletion_scheduled.toISOString() })),
    );
  }
  const consentCount = await consents.anonymizeConsents(trx, tenantId, customerId);
  await repo.updateCustomer(trx, tenantId, customerId, {
    ...EMPTY_PII_COLUMNS,
    status: 'inactive',
    preferences: '{}',
    marketing_consent: false,
    email_verified_at: null,
    phone_verified_at: null,
    erased_at: erasedAt,
  });
  report.deleted_records.push({ table: 'customers', count: 1, anonymized: true });
  if (consentCount > 0) {
    report.deleted_records.push({ table: 'consent_records', count: consentCount, anonymized: true });
    report.retained_records.push({
      table: 'consent_records',
      count: consentCount,
      retention_reason:
        'Evidence of consent (GDPR Art. 7(1)): what was agreed to and when, without IP address or user agent',
      deletion_scheduled: consentEvidenceDeletionDate(erasedAt).toISOString(),
    });
  }
  await publishEvent(trx, customerEvents.erased, { tenantId, aggregateId: customerId, data: { id: customerId, reason } });
  await auditCustomer(trx, context, 'customer.erased', customerId, {
    newValues: { reason, deleted_records: report.deleted_records, retained_records: report.retained_records },
  });
  // A person's request (made to staff, or by closing their account) enters the register; retention does not.
  if (reason === 'data_subject_request' || reason === 'account_closed') await recordFulfilledRequest(trx, context, customerId, 'erasure');
  return report;
}

export function createErasureService(deps: CustomersDeps) {
  return {
    async erase(
      context: CustomerRequestContext,
      customerId: string,
      reason: ErasureContext['reason'],
    ): Promise<DeletionReport> {
      return withTenant(deps.db, context.tenantId, (trx) =>
        eraseCustomerInTransaction(trx, deps.registry, context, customerId, reason),
      );
    },
  };
}
