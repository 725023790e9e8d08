import { randomUUID } from 'node:crypto';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import { normalizeEmail } from '../../platform/crypto/pii-normalization.ts';
import type { Trx } from '../../platform/db/database.ts';
import { publishEvent } from '../../platform/events/outbox.ts';
import { AppError, notFound, validationError } from '../../platform/http/errors.ts';
import { systemContext, auditCustomer } from './customer-context.ts';
import { scheduleCustomerMaintenance } from './customer-maintenance.job.ts';
import { decryptCustomerPii, emailIndex, encryptCustomerPii, phoneIndex, type CustomerPii } from './customer-pii.ts';
import * as repo from './customers.repository.ts';
import type { CustomerRow, CustomerStatus, CustomerType } from './customers.tables.ts';
import { phoneOrThrow } from './customers.service.ts';

/** What the booking module needs about a customer, decrypted. */
export interface CustomerForBooking {
  id: string;
  type: CustomerType;
  status: CustomerStatus;
  first_name: string;
  last_name: string | null;
  email: string | null;
  /** E.164. */
  phone: string | null;
  /** Preferred language for messages (`preferences.language`), null when unknown. */
  language: string | null;
  marketing_consent: boolean;
  email_verified: boolean;
  phone_verified: boolean;
}

/** A guest as the booking form sends it: email or phone required, phone in E.164. */
export interface GuestCustomerInput {
  first_name: string;
  last_name?: string | null | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
}

function forBooking(row: CustomerRow, pii: CustomerPii): CustomerForBooking {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    first_name: pii.first_name ?? '',
    last_name: pii.last_name,
    email: pii.email,
    phone: pii.phone,
    language: row.preferences.language ?? null,
    marketing_consent: row.marketing_consent,
    email_verified: row.email_verified_at !== null,
    phone_verified: row.phone_verified_at !== null,
  };
}

/** Refuses a customer who may not book: banned → 403 `CUSTOMER_BANNED`. */
export function assertCustomerCanBook(customer: Pick<CustomerForBooking, 'status'>): void {
  if (customer.status === 'banned') {
    throw new AppError('CUSTOMER_BANNED', 'This customer cannot make bookings with this business');
  }
}

/**
 * The customer a guest booking belongs to, inside the booking's transaction:
 * an existing customer matched by email (first) or phone through their blind
 * indexes, else a new guest. An existing customer's data is never changed from
 * an unauthenticated form (anyone can type someone's email); only their last
 * activity is stamped, which keeps guest data from expiring while they book.
 * Throws `CUSTOMER_BANNED` (403) for a banned match, `VALIDATION_ERROR` when
 * neither email nor phone is given or the phone is not E.164.
 */
export async function findOrCreateGuestCustomer(
  trx: Trx,
  keyRing: KeyRing,
  tenantId: string,
  guest: GuestCustomerInput,
): Promise<CustomerForBooking & { created: boolean }> {
  const firstName = guest.first_name.trim();
  if (firstName === '') throw validationError([{ field: 'customer.first_name', message: 'required' }]);
  const email = guest.email ? normalizeEmail(guest.email) : null;
  const phone = phoneOrThrow(guest.phone, 'customer.phone');
  if (email === null && phone === null) {
    throw validationError([{ field: 'customer.email', message: 'an email or a phone is required' }]);
  }
  const indexes = {
    emailBidx: email === null ? null : emailIndex(keyRing, email),
    phoneBidx: phone === null ? null : phoneIndex(keyRing, phone),
  };
  const pii: CustomerPii = {
    first_name: firstName,
    last_name: guest.last_name?.trim() || null,
    email,
    phone,
    date_of_birth: null,
    notes: null,
  };
  const match = (rows: CustomerRow[]): CustomerRow | null =>
    rows.find((row) => indexes.emailBidx !== null && row.email_bidx === indexes.emailBidx) ??
    rows.find((row) => indexes.phoneBidx !== null && row.phone_bidx === indexes.phoneBidx) ??
    null;
  // One statement for the new guest and the known one alike: insert unless taken, else the holders.
  const { inserted, holders } = await repo.insertUnlessContactTaken(
    trx,
    tenantId,
    { id: randomUUID(), type: 'guest', ...encryptCustomerPii(keyRing, tenantId, pii), preferences: '{}' },
    indexes,
  );
  if (!inserted) {
    // Usually a returning customer; if a concurrent booking created the same guest just now, it is read again.
    const existing = match(holders) ?? match(await repo.findLiveByContactIndex(trx, tenantId, indexes));
    if (!existing) throw new AppError('CONFLICT', 'The customer changed concurrently; retry');
    const customer = forBooking(existing, decryptCustomerPii(keyRing, existing));
    assertCustomerCanBook(customer);
    await repo.touchCustomerActivity(trx, tenantId, existing.id);
    return { ...customer, created: false };
  }
  await publishEvent(trx, {
    tenantId,
    type: 'customer.created',
    aggregateType: 'customer',
    aggregateId: inserted.id,
    data: { id: inserted.id, type: inserted.type, status: inserted.status },
  });
  await auditCustomer(trx, systemContext(tenantId, 'booking_flow'), 'customer.created', inserted.id, {
    newValues: { type: 'guest', fields: Object.keys(guest) },
  });
  await scheduleCustomerMaintenance(trx, tenantId);
  return { ...forBooking(inserted, pii), created: true };
}

/**
 * A live customer for a booking (decrypted name, contact and language).
 * Erased or merged-away customers are NOT_FOUND, like another tenant's.
 */
export async function getCustomerForBooking(
  trx: Trx,
  keyRing: KeyRing,
  tenantId: string,
  customerId: string,
): Promise<CustomerForBooking> {
  const row = await repo.findLiveCustomer(trx, tenantId, customerId);
  if (!row) throw notFound('Customer');
  return forBooking(row, decryptCustomerPii(keyRing, row));
}

/** Stamps activity when a customer books (keeps a guest's data from expiring). */
export async function recordCustomerActivity(trx: Trx, tenantId: string, customerId: string): Promise<void> {
  await repo.touchCustomerActivity(trx, tenantId, customerId);
}
