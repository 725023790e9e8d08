import { randomUUID } from 'node:crypto';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import { normalizeEmail } from '../../platform/crypto/pii-normalization.ts';
import type { Trx } from '../../platform/db/database.ts';
import { publishEvent } from '../../platform/events/outbox.ts';
import { customerEventData, customerEvents } from './customers.events.ts';
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
 * Which of a guest's contacts are proven: by a verification code the booking consumed,
 * or because the business itself enters the booking (staff). Only a proven contact
 * matches an existing customer.
 */
export interface ContactProof {
  email: boolean;
  phone: boolean;
}

export const STAFF_ENTERED: ContactProof = { email: true, phone: true };
export const UNPROVEN: ContactProof = { email: false, phone: false };

/**
 * The customer a guest booking belongs to, inside the booking's transaction.
 *
 * - A contact nobody holds yet: a new guest holding it.
 * - A contact an existing customer holds, proven (`proof`): that customer. Their data is
 *   never changed from the form; only their last activity is stamped, which keeps guest
 *   data from expiring while they book.
 * - A contact an existing customer holds, not proven: anyone can type anyone's email, so
 *   the booking is NOT matched to them. It gets a guest record of its own holding exactly
 *   what the form sent (`contact_unproven`, outside the uniqueness of contacts), and the
 *   caller learns nothing about the existing customer (not their name, other contact or id).
 *   Staff can merge that record into the customer later.
 *
 * Throws `CUSTOMER_BANNED` (403) when a holder of the contact is banned (the business's
 * ban holds against the contact, proven or not), `VALIDATION_ERROR` when neither email
 * nor phone is given or the phone is not E.164.
 */
export async function findOrCreateGuestCustomer(
  trx: Trx,
  keyRing: KeyRing,
  tenantId: string,
  guest: GuestCustomerInput,
  proof: ContactProof,
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
  const holding = (rows: CustomerRow[], by: ContactProof): CustomerRow | null =>
    rows.find((row) => by.email && indexes.emailBidx !== null && row.email_bidx === indexes.emailBidx) ??
    rows.find((row) => by.phone && indexes.phoneBidx !== null && row.phone_bidx === indexes.phoneBidx) ??
    null;
  const newRow = (contactUnproven: boolean) => ({
    id: randomUUID(),
    type: 'guest' as const,
    ...encryptCustomerPii(keyRing, tenantId, pii),
    preferences: '{}',
    contact_unproven: contactUnproven,
  });
  // One statement for the new guest and the known one alike: insert unless taken, else the holders.
  const { inserted, holders } = await repo.insertUnlessContactTaken(trx, tenantId, newRow(false), indexes);
  if (inserted) {
    await announceGuest(trx, tenantId, inserted, guest);
    return { ...forBooking(inserted, pii), created: true };
  }

  // If a concurrent booking created the same guest just now, the holders are read again.
  const known = holders.length > 0 ? holders : await repo.findLiveByContactIndex(trx, tenantId, indexes);
  const anyHolder = holding(known, STAFF_ENTERED);
  if (!anyHolder) throw new AppError('CONFLICT', 'The customer changed concurrently; retry');
  for (const holder of known) assertCustomerCanBook(holder);
  const proven = holding(known, proof);
  if (proven) {
    await repo.touchCustomerActivity(trx, tenantId, proven.id);
    return { ...forBooking(proven, decryptCustomerPii(keyRing, proven)), created: false };
  }
  const own = await repo.insertCustomer(trx, tenantId, newRow(true));
  await announceGuest(trx, tenantId, own, guest);
  return { ...forBooking(own, pii), created: true };
}

/** The event, audit record and maintenance of a guest record just created. */
async function announceGuest(trx: Trx, tenantId: string, row: CustomerRow, guest: GuestCustomerInput): Promise<void> {
  await publishEvent(trx, customerEvents.created, { tenantId, aggregateId: row.id, data: customerEventData(row) });
  await auditCustomer(trx, systemContext(tenantId, 'booking_flow'), 'customer.created', row.id, {
    newValues: { type: 'guest', fields: Object.keys(guest), ...(row.contact_unproven ? { contact_unproven: true } : {}) },
  });
  await scheduleCustomerMaintenance(trx, tenantId);
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

/**
 * Live customers for a list of bookings, read at once (one statement however long the list):
 * by id; erased, merged-away and unknown ids are absent, as `getCustomerForBooking` would refuse them.
 */
export async function getCustomersForBooking(
  trx: Trx,
  keyRing: KeyRing,
  tenantId: string,
  customerIds: readonly string[],
): Promise<Map<string, CustomerForBooking>> {
  const rows = await repo.findLiveCustomers(trx, tenantId, customerIds);
  return new Map(rows.map((row) => [row.id, forBooking(row, decryptCustomerPii(keyRing, row))]));
}

/** Stamps activity when a customer books (keeps a guest's data from expiring). */
export async function recordCustomerActivity(trx: Trx, tenantId: string, customerId: string): Promise<void> {
  await repo.touchCustomerActivity(trx, tenantId, customerId);
}
