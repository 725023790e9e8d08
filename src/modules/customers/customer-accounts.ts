import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import { normalizeEmail } from '../../platform/crypto/pii-normalization.ts';
import type { Executor, Trx } from '../../platform/db/database.ts';
import { publishEvent } from '../../platform/events/outbox.ts';
import { customerEventData, customerEvents } from './customers.events.ts';
import { AppError } from '../../platform/http/errors.ts';
import { assertCustomerCanBook } from './customer-booking.ts';
import { auditCustomer, type CustomerRequestContext } from './customer-context.ts';
import type { CustomerDataRegistry } from './customer-data-registry.ts';
import { mergeCustomersInTransaction } from './customer-merge.service.ts';
import { decryptCustomerPii, emailIndex, encryptCustomerPii, phoneIndex } from './customer-pii.ts';
import * as repo from './customers.repository.ts';
import type { CustomerView } from './customers.schemas.ts';
import { createCustomerInTransaction, phoneOrThrow, toCustomerView } from './customers.service.ts';

/** A customer who signs up on a business's booking page, after proving the email (and maybe the phone) is theirs. */
export interface VerifiedRegistration {
  first_name: string;
  last_name?: string | null | undefined;
  /** Proved by a one-time code sent to it: the caller checked that before calling. */
  email: string;
  phone?: string | null | undefined;
  /** True only when the phone was proved too (SMS code); an unproved phone never claims anyone's history. */
  phoneVerified?: boolean | undefined;
}

export interface RegistrationResult {
  customer: CustomerView;
  /** `created`: new customer; `upgraded`: the guest with this email became registered, with its bookings. */
  outcome: 'created' | 'upgraded';
  /** Guests merged in because they held the verified phone (RF5.7): their bookings now belong to this customer. */
  mergedCustomerIds: string[];
}

/**
 * Registration with a verified email (RF5.7). Guest history is attached
 * only through contact data the person proved: the guest holding the
 * verified email becomes the registered customer (same id, so every booking
 * stays attached), and a guest holding the verified phone is merged into it
 * through the merge participants. A registered customer with the email
 * already exists → 409 CONFLICT; banned → 403 CUSTOMER_BANNED.
 *
 * The account credential itself (passwordless code, session, token) belongs
 * to the identity module; this gives it the customer record to point at.
 */
export async function registerVerifiedCustomer(
  trx: Trx,
  deps: { keyRing: KeyRing; registry: CustomerDataRegistry },
  context: CustomerRequestContext,
  registration: VerifiedRegistration,
): Promise<RegistrationResult> {
  const { keyRing } = deps;
  const { tenantId } = context;
  const email = normalizeEmail(registration.email);
  const phone = phoneOrThrow(registration.phone);
  const verifiedAt = new Date();
  const [byEmail] = await repo.findLiveByContactIndex(trx, tenantId, { emailBidx: emailIndex(keyRing, email), phoneBidx: null });

  let customerId: string;
  let outcome: RegistrationResult['outcome'];
  if (byEmail) {
    assertCustomerCanBook(byEmail);
    if (byEmail.type === 'registered' && byEmail.email_verified_at !== null) {
      throw new AppError('CONFLICT', 'An account with this email already exists; sign in instead', [
        { field: 'email', message: 'already registered' },
      ]);
    }
    const current = decryptCustomerPii(keyRing, byEmail);
    // The person proved the email, so their own name replaces what a booking form once held.
    await repo.updateCustomer(trx, tenantId, byEmail.id, {
      ...encryptCustomerPii(keyRing, tenantId, {
        ...current,
        first_name: registration.first_name.trim(),
        last_name: registration.last_name?.trim() || current.last_name,
      }),
      type: 'registered',
      email_verified_at: verifiedAt,
      last_activity_at: verifiedAt,
    });
    await publishEvent(trx, customerEvents.updated, {
      tenantId,
      aggregateId: byEmail.id,
      data: customerEventData({ id: byEmail.id, type: 'registered', status: byEmail.status }, { changed_fields: ['type', 'email_verified_at'] }),
      previousAttributes: { type: byEmail.type },
    });
    await auditCustomer(trx, context, 'customer.registered', byEmail.id, { newValues: { outcome: 'upgraded' } });
    customerId = byEmail.id;
    outcome = 'upgraded';
  } else {
    const created = await createCustomerInTransaction(trx, keyRing, context, {
      type: 'registered',
      first_name: registration.first_name,
      ...(registration.last_name ? { last_name: registration.last_name } : {}),
      email,
      email_verified_at: verifiedAt,
      marketing_source: 'registration_form',
    });
    customerId = created.row.id;
    outcome = 'created';
  }

  // Bookings made with this email by guests who did not prove it were kept apart (migration 0070);
  // now that it is proven, they are this customer's.
  const mergedCustomerIds = await mergeUnprovenHolders(trx, deps, context, customerId, { emailBidx: emailIndex(keyRing, email), phoneBidx: null });
  if (phone !== null && registration.phoneVerified === true) mergedCustomerIds.push(...(await attachVerifiedPhone(trx, deps, context, customerId, phone)));
  const row = await repo.findLiveCustomer(trx, tenantId, customerId);
  if (!row) throw new AppError('CONFLICT', 'The customer changed concurrently; retry');
  return { customer: toCustomerView(row, decryptCustomerPii(keyRing, row)), outcome, mergedCustomerIds };
}

/** Merges into `customerId` the guest records of unproven contacts holding a contact it just proved. */
async function mergeUnprovenHolders(
  trx: Trx,
  deps: { keyRing: KeyRing; registry: CustomerDataRegistry },
  context: CustomerRequestContext,
  customerId: string,
  indexes: { emailBidx: string | null; phoneBidx: string | null },
): Promise<string[]> {
  const merged: string[] = [];
  const { tenantId } = context;
  for (const row of await repo.findUnprovenByContactIndex(trx, tenantId, indexes)) {
    if (row.id === customerId) continue;
    // Whoever typed the rest of that record proved nothing of it: only the contact proven now
    // may reach the customer through the merge (no name, other contact or notes of theirs).
    const typed = decryptCustomerPii(deps.keyRing, row);
    await repo.updateCustomer(trx, tenantId, row.id, encryptCustomerPii(deps.keyRing, tenantId, {
      first_name: typed.first_name,
      last_name: null,
      email: indexes.emailBidx !== null ? typed.email : null,
      phone: indexes.phoneBidx !== null ? typed.phone : null,
      date_of_birth: null,
      notes: null,
    }));
    await mergeCustomersInTransaction(trx, deps, context, customerId, row.id);
    merged.push(row.id);
  }
  return merged;
}

/**
 * Gives a registered customer a phone they proved (an SMS code), in the caller's transaction
 * (RF5.7): a guest holding that phone is merged into the customer through the merge participants,
 * so the guest's bookings become the customer's; a registered customer holding it → 409 CONFLICT.
 * Returns the ids of the guests merged in.
 */
export async function attachVerifiedPhone(
  trx: Trx,
  deps: { keyRing: KeyRing; registry: CustomerDataRegistry },
  context: CustomerRequestContext,
  customerId: string,
  phone: string,
): Promise<string[]> {
  const { keyRing } = deps;
  const { tenantId } = context;
  const mergedCustomerIds = await mergeUnprovenHolders(trx, deps, context, customerId, { emailBidx: null, phoneBidx: phoneIndex(keyRing, phone) });
  const [byPhone] = await repo.findLiveByContactIndex(trx, tenantId, { emailBidx: null, phoneBidx: phoneIndex(keyRing, phone) });
  if (byPhone && byPhone.id !== customerId) {
    if (byPhone.type === 'registered') {
      throw new AppError('CONFLICT', 'This phone belongs to another account', [{ field: 'phone', message: 'already registered' }]);
    }
    await mergeCustomersInTransaction(trx, deps, context, customerId, byPhone.id);
    mergedCustomerIds.push(byPhone.id);
  }
  const row = await repo.findLiveCustomer(trx, tenantId, customerId, { forUpdate: true });
  if (row) {
    const pii = decryptCustomerPii(keyRing, row);
    await repo.updateCustomer(trx, tenantId, customerId, {
      ...encryptCustomerPii(keyRing, tenantId, { ...pii, phone }),
      phone_verified_at: new Date(),
    });
  }
  return mergedCustomerIds;
}

/**
 * Whether a customer may hold an account session (identity asks on every credential check,
 * cached a few seconds): live (not erased or merged away), registered with a verified email,
 * and not banned. Runs in the caller's transaction, tenant-scoped explicitly.
 */
export async function customerMayHoldSession(executor: Executor, tenantId: string, customerId: string): Promise<boolean> {
  const row = await repo.findLiveCustomer(executor, tenantId, customerId);
  return row !== null && row.type === 'registered' && row.email_verified_at !== null && row.status !== 'banned';
}

/** Stamps a contact as proved (guest OTP in the booking flow) when it still belongs to the customer. */
export async function markContactVerified(
  trx: Trx,
  keyRing: KeyRing,
  tenantId: string,
  customerId: string,
  contact: { channel: 'email' | 'phone'; value: string },
): Promise<boolean> {
  const row = await repo.findLiveCustomer(trx, tenantId, customerId, { forUpdate: true });
  if (!row) return false;
  if (contact.channel === 'email') {
    if (row.email_bidx !== emailIndex(keyRing, contact.value)) return false;
    await repo.updateCustomer(trx, tenantId, customerId, { email_verified_at: new Date() });
    return true;
  }
  const phone = phoneOrThrow(contact.value);
  if (phone === null || row.phone_bidx !== phoneIndex(keyRing, phone)) return false;
  await repo.updateCustomer(trx, tenantId, customerId, { phone_verified_at: new Date() });
  return true;
}
