import { z } from 'zod';
import type { Db, Executor } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { defineJob, type JobDefinition, type JobKind } from '../../platform/jobs/job-definition.ts';
import { enqueueDeferred } from '../../platform/jobs/queue.ts';
import { CODE_ROW_RETENTION_MS } from './customer-account-codes.ts';
import { purgeCodesBefore } from './customer-accounts.repository.ts';
import { systemContext } from './customer-context.ts';
import type { CustomerDataRegistry } from './customer-data-registry.ts';
import { getTenant } from '../tenancy/index.ts';
import { CONSENT_EVIDENCE_RETENTION_YEARS, eraseCustomerInTransaction } from './customer-erasure.service.ts';
import * as consents from './consents.repository.ts';
import * as repo from './customers.repository.ts';

/**
 * Guests have no account and, per the specification (2.1.5), no lasting
 * history: a guest not seen (no booking, no edit) for this long is erased.
 */
export const GUEST_RETENTION_MONTHS = 24;

/** The retention a business chose (its settings), or the defaults. */
export async function retentionOf(executor: Executor, tenantId: string): Promise<{ guestMonths: number; consentEvidenceYears: number }> {
  const settings = (await getTenant(executor, tenantId))?.settings ?? {};
  return {
    guestMonths: typeof settings.guest_retention_months === 'number' ? settings.guest_retention_months : GUEST_RETENTION_MONTHS,
    consentEvidenceYears:
      typeof settings.consent_evidence_retention_years === 'number' ? settings.consent_evidence_retention_years : CONSENT_EVIDENCE_RETENTION_YEARS,
  };
}
/** Erasures per run, so one run stays a short series of transactions. */
const ERASURES_PER_RUN = 100;

const maintenancePayload = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });

const customerMaintenanceJob: JobKind<typeof maintenancePayload> = {
  name: 'customers.maintenance',
  version: 1,
  payload: maintenancePayload,
};

function nextRunAt(now: Date): Date {
  // 03:00 UTC tomorrow: quiet hours for most businesses.
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 3));
}

/**
 * Makes sure the tenant's daily maintenance run is queued. Called whenever a
 * customer is created (cheap: one insert, sent with the transaction's other
 * deferred writes, that the dedupe key turns into a no-op), and by each run
 * for the next day before it does its work, so every tenant with customers has exactly one run per
 * day without a list of tenants.
 */
export async function scheduleCustomerMaintenance(executor: Executor, tenantId: string, now = new Date()): Promise<void> {
  const runAt = nextRunAt(now);
  const day = runAt.toISOString().slice(0, 10);
  await enqueueDeferred(executor, customerMaintenanceJob, { day }, { tenantId, runAt, dedupeKey: `${tenantId}:${day}` });
}

export interface CustomerMaintenanceReport {
  guestsErased: number;
  consentRecordsDeleted: number;
}

/**
 * One tenant's retention pass, with the periods the business chose: erase expired guests (through the same
 * erasure as a request, participants included), delete consent evidence
 * whose retention ended and customer account codes older than a day. (Key
 * rotation is started by the worker for every tenant when the key changes.)
 */
export async function runCustomerMaintenance(
  deps: { db: Db; registry: CustomerDataRegistry },
  tenantId: string,
  now = new Date(),
): Promise<CustomerMaintenanceReport> {
  const retention = await withTenant(deps.db, tenantId, (trx) => retentionOf(trx, tenantId));
  const guestCutoff = new Date(now);
  guestCutoff.setUTCMonth(guestCutoff.getUTCMonth() - retention.guestMonths);
  const evidenceCutoff = new Date(now);
  evidenceCutoff.setUTCFullYear(evidenceCutoff.getUTCFullYear() - retention.consentEvidenceYears);

  const expired = await withTenant(deps.db, tenantId, (trx) =>
    repo.listExpiredGuestIds(trx, tenantId, guestCutoff, ERASURES_PER_RUN),
  );
  // One transaction per customer: a participant failing for one guest does not hold back the others.
  let guestsErased = 0;
  for (const customerId of expired) {
    await withTenant(deps.db, tenantId, (trx) =>
      eraseCustomerInTransaction(trx, deps.registry, systemContext(tenantId, 'retention'), customerId, 'retention_expired'),
    );
    guestsErased += 1;
  }
  return withTenant(deps.db, tenantId, async (trx) => {
    const consentRecordsDeleted = await consents.deleteConsentsOfCustomersErasedBefore(trx, tenantId, evidenceCutoff);
    // Customer account codes (hashes only) are not kept past a day either.
    await purgeCodesBefore(trx, tenantId, new Date(now.getTime() - CODE_ROW_RETENTION_MS));
    return { guestsErased, consentRecordsDeleted };
  });
}

export function createCustomerMaintenanceJob(deps: { registry: CustomerDataRegistry }): JobDefinition<typeof maintenancePayload> {
  return defineJob({
    ...customerMaintenanceJob,
    timeoutMs: 15 * 60_000,
    async handle(_payload, context) {
      const tenantId = context.tenantId;
      if (tenantId === null) return { outcome: 'discard', reason: 'customer maintenance runs per tenant' };
      // Tomorrow's run is queued first, in its own transaction: a run that fails (and at last parks as
      // dead) must not end the tenant's daily retention. A retry queues nothing new (dedupe key per day).
      await withTenant(context.db, tenantId, (trx) => scheduleCustomerMaintenance(trx, tenantId));
      const report = await runCustomerMaintenance({ db: context.db, ...deps }, tenantId);
      return {
        outcome: 'done',
        note: `erased ${report.guestsErased} expired guests, deleted ${report.consentRecordsDeleted} consent records`,
      };
    },
  });
}
