/**
 * The customer of a booking request: a registered customer named by id (needs a credential),
 * or a guest, matched to an existing customer only by a proven contact (a verification
 * token) or for staff; see `findOrCreateGuestCustomer`.
 */
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Trx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/http/errors.ts';
import {
  assertCustomerCanBook,
  findOrCreateGuestCustomer,
  getCustomerForBooking,
  STAFF_ENTERED,
  UNPROVEN,
  type ContactProof,
  type CustomerForBooking,
  type GuestCustomerInput,
} from '../customers/index.ts';
import type { BookingTerms } from '../tenancy/index.ts';
import type { Actor } from './booking-deps.ts';
import type { BookingCustomerInput } from './booking.schemas.ts';
import type { VerificationService } from './verification.service.ts';

export async function resolveBookingCustomer(
  keyRing: KeyRing,
  verification: VerificationService,
  trx: Trx,
  tenantId: string,
  input: BookingCustomerInput,
  actor: Actor,
  verificationToken: string | undefined,
  terms: BookingTerms,
): Promise<CustomerForBooking> {
  if ('customer_id' in input) {
    // Naming an existing customer needs a credential: anyone can read an id off a link.
    if (!actor.auth) throw new AppError('UNAUTHENTICATED', 'Sign in to book as a registered customer, or book as a guest');
    // A customer's own credential books for that customer only; staff book for anyone.
    if (!actor.staff && actor.auth.attributes.customerId !== input.customer_id) {
      throw new AppError('FORBIDDEN', 'A customer account can book only for itself');
    }
    const customer = await getCustomerForBooking(trx, keyRing, tenantId, input.customer_id);
    assertCustomerCanBook(customer);
    return customer;
  }
  if (actor.staff) return findOrCreateGuestCustomer(trx, keyRing, tenantId, input, STAFF_ENTERED);
  const proof = verificationToken === undefined ? UNPROVEN : await proveContact(verification, trx, tenantId, verificationToken, input);
  // Whether the business asks guests to verify their email or phone (`guest_verification: otp`).
  if (terms.settings?.guest_verification === 'otp' && !proof.email && !proof.phone) {
    throw new AppError('VERIFICATION_REQUIRED', 'Verify your email or phone first (POST /api/v1/verifications)');
  }
  return findOrCreateGuestCustomer(trx, keyRing, tenantId, input, proof);
}

/**
 * Which of the guest's contacts the token proves (it was issued for one destination),
 * consumed in the booking's transaction so a failed booking leaves it usable.
 */
export async function proveContact(verification: VerificationService, trx: Trx, tenantId: string, token: string, guest: GuestCustomerInput): Promise<ContactProof> {
  const consumes = async (contact: { email?: string } | { phone?: string }): Promise<boolean> => {
    try {
      await verification.consume(trx, tenantId, token, contact);
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'VERIFICATION_REQUIRED') return false;
      throw error;
    }
  };
  if (guest.email && (await consumes({ email: guest.email }))) return { email: true, phone: false };
  if (guest.phone && (await consumes({ phone: guest.phone }))) return { email: false, phone: true };
  return UNPROVEN;
}
