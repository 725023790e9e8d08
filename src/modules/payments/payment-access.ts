/**
 * Who may pay a booking and attach a payment method to a customer, and where
 * the provider may send the customer back after 3-D Secure.
 *
 * - Paying a booking (`POST /payments/intent`): the booking's manage token
 *   (the self-service link sent to the customer), the customer's own session,
 *   or staff who may change that booking (`update Booking`, so staff only for
 *   their resources). Anyone else gets 403 `PAYMENT_NOT_ALLOWED`, whether or
 *   not the booking exists, so the endpoint reveals nothing about bookings.
 * - Attaching a method to a customer (`POST /payment-methods` with
 *   `customer_id`, or `save_payment_method` on an intent): the customer
 *   (signed in, or through the manage token of one of their bookings, which
 *   only reaches their own email or phone) or the business (`update Customer`).
 * - Return URLs: a path on this service (`/...`), or an absolute URL whose
 *   origin is `PUBLIC_URL`'s, the tenant's custom domain, or one of the
 *   business's `settings.allowed_origins`. Anything else is 400
 *   `RETURN_URL_NOT_ALLOWED` (no open redirect through the provider).
 */
import type { Executor } from '../../platform/db/database.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { locationScopeOf, mayReachResource } from '../../platform/http/location-scope.ts';
import type { BookingPaymentFacts, PaymentsContext } from './payments-context.ts';
import { findPayment } from './payments.repository.ts';

/** What the caller brought: its credential and, for guests, the booking's manage token. */
export interface PayerCredentials {
  auth: AuthContext | null;
  manageToken?: string | undefined;
}

export function paymentNotAllowed(message: string, reason: string): AppError {
  return new AppError('PAYMENT_NOT_ALLOWED', message, { reason });
}

/** The booking the manage token names in this tenant, or null. */
function bookingOfToken(context: PaymentsContext, tenantId: string, token: string | undefined): string | null {
  if (token === undefined || context.verifyManageToken === null) return null;
  const named = context.verifyManageToken(token);
  return named !== null && named.tenantId === tenantId ? named.bookingId : null;
}

/**
 * Whether a location-scoped member reaches this booking's payments: only a booking at one of their
 * locations' resources (booking's facts through the lookup). Everyone else: true.
 */
export async function bookingWithinCallerScope(
  context: PaymentsContext,
  executor: Executor,
  tenantId: string,
  auth: AuthContext | null,
  bookingId: string,
): Promise<boolean> {
  if (locationScopeOf(auth) === null) return true;
  const facts = context.bookingLookup ? await context.bookingLookup(executor, tenantId, bookingId) : null;
  return facts !== null && facts !== undefined && mayReachResource(auth, facts.resourceId);
}

/** 404 (as if absent) for a payment of a booking outside a location-scoped member's locations. */
export async function assertPaymentWithinCallerScope(context: PaymentsContext, tenantId: string, auth: AuthContext | null, paymentId: string): Promise<void> {
  if (locationScopeOf(auth) === null) return;
  const reachable = await withTenant(context.db, tenantId, async (trx) => {
    const payment = await findPayment(trx, tenantId, paymentId);
    return payment !== undefined && (await bookingWithinCallerScope(context, trx, tenantId, auth, payment.booking_id));
  });
  if (!reachable) throw notFound('Payment');
}

/** True when the caller may pay this booking (see the file's header). */
export function mayPayBooking(context: PaymentsContext, tenantId: string, caller: PayerCredentials, facts: BookingPaymentFacts): boolean {
  if (bookingOfToken(context, tenantId, caller.manageToken) === facts.bookingId) return true;
  const auth = caller.auth;
  if (!auth || auth.tenantId !== tenantId) return false;
  if (auth.actor.type === 'customer') return auth.actor.id === facts.customerId;
  return auth.can('update', 'Booking', { resource_id: facts.resourceId, customer_id: facts.customerId });
}

/**
 * Refuses, with 403 `PAYMENT_NOT_ALLOWED`, a caller who may not attach payment
 * methods to `customerId` (see the file's header).
 */
export async function assertMayAttachToCustomer(
  context: PaymentsContext,
  executor: Executor,
  tenantId: string,
  caller: PayerCredentials,
  customerId: string,
): Promise<void> {
  const auth = caller.auth;
  if (auth && auth.tenantId === tenantId) {
    if (auth.actor.type === 'customer' ? auth.actor.id === customerId : auth.can('update', 'Customer', { id: customerId })) return;
  }
  const bookingId = bookingOfToken(context, tenantId, caller.manageToken);
  if (bookingId !== null && context.bookingLookup) {
    const facts = await context.bookingLookup(executor, tenantId, bookingId);
    if (facts?.customerId === customerId) return;
  }
  throw paymentNotAllowed('Only the customer or the business may save a payment method for this customer', 'not_customer');
}

function originOf(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * The return URL to hand to the provider, absolute: a path is resolved on
 * `PUBLIC_URL`; an absolute URL must be on an allowed origin.
 */
export async function checkedReturnUrl(
  context: PaymentsContext,
  executor: Executor,
  tenantId: string,
  returnUrl: string | undefined,
): Promise<string | undefined> {
  if (returnUrl === undefined) return undefined;
  const base = context.publicUrl.replace(/\/$/, '');
  // A path of ours; `//host` and `/\host` are other hosts to a browser.
  if (/^\/(?![/\\])\S*$/.test(returnUrl)) {
    const resolved = `${base}${returnUrl}`;
    if (originOf(resolved) === originOf(base)) return resolved;
  }
  const origin = originOf(returnUrl);
  if (origin !== null) {
    const allowed = new Set<string>([originOf(base) ?? '']);
    for (const extra of await context.allowedReturnOrigins(executor, tenantId)) {
      const normalized = originOf(extra);
      if (normalized !== null) allowed.add(normalized);
    }
    if (allowed.has(origin)) return returnUrl;
  }
  throw new AppError('RETURN_URL_NOT_ALLOWED', 'return_url must be a path of this service or a URL on one of the business\'s allowed origins', {
    field: 'return_url',
  });
}
