import type { Trx } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { publishEvent } from '../../platform/events/outbox.ts';
import { customerEventData, customerEvents } from './customers.events.ts';
import { notFound, validationError } from '../../platform/http/errors.ts';
import { auditCustomer, type CustomerRequestContext, type CustomersDeps } from './customer-context.ts';
import { decryptCustomerPii, EMPTY_PII_COLUMNS, encryptCustomerPii, type CustomerPii } from './customer-pii.ts';
import * as consents from './consents.repository.ts';
import * as repo from './customers.repository.ts';
import type { MergeResult } from './customers.schemas.ts';
import type { CustomerPreferences, CustomerRow } from './customers.tables.ts';
import { rethrowUniqueViolation, toCustomerView } from './customers.service.ts';

const PII_KEYS = ['first_name', 'last_name', 'email', 'phone', 'date_of_birth', 'notes'] as const;

/**
 * The surviving customer's data, with gaps filled from the duplicate. Where
 * both hold a value the survivor's wins and the field is reported as
 * discarded; notes are the exception: both are kept.
 */
export function mergePii(survivor: CustomerPii, duplicate: CustomerPii): { pii: CustomerPii; discarded: string[] } {
  const pii: CustomerPii = { ...survivor };
  const discarded: string[] = [];
  for (const key of PII_KEYS) {
    const theirs = duplicate[key];
    if (theirs === null) continue;
    const ours = pii[key];
    if (ours === null) pii[key] = theirs;
    else if (key === 'notes' && ours !== theirs) pii.notes = `${ours}\n\n${theirs}`;
    else if (ours !== theirs) discarded.push(key);
  }
  return { pii, discarded };
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

export function mergePreferences(survivor: CustomerPreferences, duplicate: CustomerPreferences): CustomerPreferences {
  const merged: CustomerPreferences = { ...duplicate, ...survivor };
  const resources = unique([...(survivor.preferred_resource_ids ?? []), ...(duplicate.preferred_resource_ids ?? [])]);
  const services = unique([...(survivor.favourite_service_ids ?? []), ...(duplicate.favourite_service_ids ?? [])]);
  if (resources.length > 0) merged.preferred_resource_ids = resources.slice(0, 20);
  if (services.length > 0) merged.favourite_service_ids = services.slice(0, 50);
  return merged;
}

/**
 * Merges `duplicateId` into `survivorId` inside the caller's transaction:
 * data, consents and every registered participant's rows (bookings,
 * payments...) move to the survivor; the duplicate stays as an empty
 * tombstone pointing at it.
 */
export async function mergeCustomersInTransaction(
  trx: Trx,
  deps: Pick<CustomersDeps, 'keyRing' | 'registry'>,
  context: CustomerRequestContext,
  survivorId: string,
  duplicateId: string,
): Promise<MergeResult> {
  const { keyRing, registry } = deps;
  if (survivorId === duplicateId) {
    throw validationError([{ field: 'duplicate_id', message: 'a customer cannot be merged into itself' }]);
  }
  const { tenantId } = context;
  // Lock in id order, so two opposite merges cannot deadlock.
  const locked = new Map<string, CustomerRow | null>();
  for (const id of [survivorId, duplicateId].sort()) {
    locked.set(id, await repo.findLiveCustomer(trx, tenantId, id, { forUpdate: true }));
  }
  const survivor = locked.get(survivorId);
  const duplicate = locked.get(duplicateId);
  if (!survivor) throw notFound('Customer');
  if (!duplicate) throw notFound('Duplicate customer');

  const survivorPii = decryptCustomerPii(keyRing, survivor);
  const { pii, discarded } = mergePii(survivorPii, decryptCustomerPii(keyRing, duplicate));
  // The duplicate lets go of its email and phone first, so the survivor can take them.
  await repo.updateCustomer(trx, tenantId, duplicateId, {
    ...EMPTY_PII_COLUMNS,
    status: 'inactive',
    preferences: '{}',
    marketing_consent: false,
    email_verified_at: null,
    phone_verified_at: null,
    merged_into_id: survivorId,
    merged_at: new Date(),
  });
  const banned = survivor.status === 'banned' || duplicate.status === 'banned';
  await repo
    .updateCustomer(trx, tenantId, survivorId, {
      ...encryptCustomerPii(keyRing, tenantId, pii),
      type: survivor.type === 'registered' || duplicate.type === 'registered' ? 'registered' : 'guest',
      // A ban on either record must survive the merge.
      status: banned ? 'banned' : survivor.status,
      preferences: JSON.stringify(mergePreferences(survivor.preferences, duplicate.preferences)),
      // A verification stamp belongs to the address it verified.
      email_verified_at: survivorPii.email !== null ? survivor.email_verified_at : pii.email !== null ? duplicate.email_verified_at : null,
      phone_verified_at: survivorPii.phone !== null ? survivor.phone_verified_at : pii.phone !== null ? duplicate.phone_verified_at : null,
      last_activity_at: new Date(),
    })
    .catch(rethrowUniqueViolation);

  // At most one standing grant per type: the survivor's wins, the duplicate's is withdrawn as superseded.
  for (const consent of await consents.listConsents(trx, tenantId, duplicateId)) {
    if (consent.withdrawn_at !== null) continue;
    const standing = await consents.findActiveConsent(trx, tenantId, survivorId, consent.consent_type);
    if (standing) {
      await consents.withdrawConsents(trx, tenantId, duplicateId, {
        consentType: consent.consent_type,
        consentId: consent.id,
        source: 'merged',
      });
    }
  }
  const consentsMoved = await consents.reassignConsents(trx, tenantId, duplicateId, survivorId);
  const marketing = await consents.hasActiveConsent(trx, tenantId, survivorId, 'marketing');
  const reassigned: MergeResult['merged']['reassigned'] = [];
  for (const participant of registry.mergeParticipants) {
    const count = await participant.reassign(trx, tenantId, { survivorId, duplicateId });
    reassigned.push({ participant: participant.name, count });
  }
  const row = await repo.updateCustomer(trx, tenantId, survivorId, { marketing_consent: marketing });

  await publishEvent(trx, customerEvents.updated, {
    tenantId,
    aggregateId: survivorId,
    data: customerEventData({ id: survivorId, type: row.type, status: row.status }, { merged_customer_id: duplicateId }),
  });
  await auditCustomer(trx, context, 'customer.merged', survivorId, {
    newValues: { duplicate_id: duplicateId, discarded_fields: discarded, consents_moved: consentsMoved, reassigned },
  });
  return {
    customer: toCustomerView(row, pii),
    merged: { duplicate_id: duplicateId, reassigned, consents_moved: consentsMoved, discarded_fields: discarded },
  };
}

export function createMergeService(deps: CustomersDeps) {
  return {
    async merge(context: CustomerRequestContext, survivorId: string, duplicateId: string): Promise<MergeResult> {
      return withTenant(deps.db, context.tenantId, (trx) =>
        mergeCustomersInTransaction(trx, deps, context, survivorId, duplicateId),
      );
    },
  };
}
