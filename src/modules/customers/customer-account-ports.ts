import type { Trx } from '../../platform/db/database.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import type { CustomerSessionService } from '../identity/index.ts';
import type { AccountBooking, AccountBookingChange, AccountBookingCreate, AccountBookingQuery, AccountBookingsQuery, Rebook } from './customer-account.schemas.ts';

/**
 * What a customer's account asks of the booking module, which implements it
 * (`createCustomerBookings`) over its own services and rules: bookings are always those of the
 * customer the credential names, made and changed as that customer (customer policies apply).
 * Another customer's booking, or another tenant's, is NOT_FOUND.
 */
export interface CustomerBookingsPort {
  list(auth: AuthContext, query: AccountBookingsQuery): Promise<{ items: AccountBooking[]; pagination: PaginationMeta }>;
  /** One booking; `preview: 'cancel'` adds what cancelling now would refund (the booking's own policy), changing nothing. */
  get(auth: AuthContext, bookingId: string, query?: AccountBookingQuery): Promise<AccountBooking>;
  book(auth: AuthContext, input: AccountBookingCreate, idempotencyKey: string | null): Promise<AccountBooking>;
  /** A new booking of the same service for the same customer, at a new time (resource: the same unless named). */
  rebook(auth: AuthContext, bookingId: string, input: Rebook, idempotencyKey: string | null): Promise<AccountBooking>;
  change(auth: AuthContext, bookingId: string, change: AccountBookingChange): Promise<AccountBooking>;
}

/**
 * What a customer's account asks of the payments module, which implements it
 * (`createSavedPaymentMethodsPort`): the customer's saved payment methods, for `/me`.
 * Only what stands for the provider's token is kept: provider, brand, last four digits, expiry.
 */
export interface SavedPaymentMethodsPort {
  listForCustomer(trx: Trx, tenantId: string, customerId: string): Promise<SavedPaymentMethod[]>;
  /** Forgets one of the customer's saved methods (it can no longer be charged); false when it is not theirs. */
  removeForCustomer(trx: Trx, tenantId: string, customerId: string, paymentMethodId: string): Promise<boolean>;
}

export interface SavedPaymentMethod {
  id: string;
  provider: string;
  brand: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
  created_at: string;
}

/** A one-time code of a customer account to deliver: signing in by email, or proving a phone by SMS. */
export interface CustomerCodeMessage {
  /** The code row's id: one message per code (a retry queues nothing twice). */
  codeId: string;
  purpose: 'sign_in' | 'phone_verification';
  channel: 'email' | 'sms';
  /** The email address or E.164 phone the code goes to (nobody's address on file yet, possibly). */
  destination: string;
  /** A secret: the sender must never log it nor keep it readable beyond delivery. */
  code: string;
  language: 'es' | 'en';
  expiresMinutes: number;
}

/** What customer accounts are built with, wired by the composition root. */
export interface CustomerAccountsDeps {
  /** Identity: sessions and tokens of customers, and the failed-login throttle. */
  sessions: CustomerSessionService;
  /**
   * Queues a sign-in or phone code for delivery in the caller's transaction, so the message
   * exists exactly when the code does (the notifications module, in the composition root).
   */
  sendCode(trx: Trx, tenantId: string, message: CustomerCodeMessage): Promise<void>;
  bookings: CustomerBookingsPort;
  /** Payments: the customer's saved methods (provider tokens only). */
  paymentMethods: SavedPaymentMethodsPort;
}
