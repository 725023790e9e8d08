import type { Trx } from '../../platform/db/database.ts';
import type { Money } from '../../platform/money.ts';
import type { NextActionView } from './payments.schemas.ts';
import type { PaymentMethodKind } from './payments.tables.ts';

/**
 * What the booking module asks of payments. Booking depends on payments (never the
 * reverse), so payments publishes this interface through its index.ts and the
 * composition root hands booking the implementation (`payments.port`). Booking calls
 * these inside its own transaction; payments confirms a booking later only through
 * events (`payment.succeeded`, `payment.failed`), never by calling booking back.
 */
export interface PaymentsPort {
  /**
   * Starts (and, with a payment method, attempts at once) the deposit or
   * prepayment of a booking. The provider receives `idempotencyKey`, so a retry
   * never charges twice.
   */
  startDeposit(trx: Trx, request: DepositRequest): Promise<DepositResult>;
  /** Refunds money paid for a booking (cancellation by policy, or staff). Never more than paid minus refunded. */
  refundBooking(trx: Trx, request: BookingRefundRequest): Promise<RefundResult | null>;
  /** Keeps the deposit or charges the no-show fee to the saved method, per the service's policy. */
  settleNoShow(trx: Trx, request: NoShowRequest): Promise<NoShowResult>;
  /** Payments recorded for a booking, for `GET /bookings/{id}`. */
  paymentsOfBooking(trx: Trx, tenantId: string, bookingId: string): Promise<BookingPaymentSummary[]>;
  /**
   * Cancels an unpaid intent when its booking expires, so a late success is refunded rather than kept.
   * Money that already arrived for the booking (a success that won the race with the expiry) is
   * refunded in full too, so the outcome is "expired, nothing kept" in every order. Only for bookings
   * that end unpaid; cancellations of paid bookings go through `refundBooking` and the policy.
   * (Extended: returns what it did; callers that ignore the result are unaffected.)
   */
  cancelPendingForBooking(trx: Trx, tenantId: string, bookingId: string): Promise<CancelPendingResult>;
}

export interface CancelPendingResult {
  /** Open intents cancelled. */
  cancelled: number;
  /** Refunds of money that arrived anyway. */
  refunds: RefundResult[];
}

export interface DepositRequest {
  tenantId: string;
  bookingId: string;
  customerId: string;
  amount: Money;
  /** `deposit` for a partial amount, `full_payment` when the whole price is due. */
  type: 'deposit' | 'full_payment';
  paymentMethodId?: string;
  savePaymentMethod?: boolean;
  returnUrl?: string;
  idempotencyKey: string;
  description: string;
}

export type DepositStatus = 'succeeded' | 'requires_action' | 'requires_payment_method' | 'processing' | 'failed';

export interface DepositResult {
  paymentId: string;
  intentId: string;
  clientSecret: string | null;
  status: DepositStatus;
  amount: Money;
  /** The customer's next step in the API's shape (`nextActionSchema`), to show as `payment.next_action` as it is. */
  nextAction: NextActionView | null;
  /** The hosted page where the customer pays this deposit (`{PUBLIC_URL}/pay/{token}`); null once it is not open. */
  paymentPageUrl: string | null;
  failureReason: string | null;
}

export interface BookingRefundRequest {
  tenantId: string;
  bookingId: string;
  /** Omitted: everything still refundable. */
  amount?: number;
  reason: string;
  idempotencyKey: string;
}

export interface RefundResult {
  id: string;
  amount: number;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
}

export interface NoShowRequest {
  tenantId: string;
  bookingId: string;
  customerId: string;
  keepDeposit: boolean;
  fee: Money | null;
  idempotencyKey: string;
}

export interface NoShowResult {
  depositKept: number;
  fee: { paymentId: string; status: 'succeeded' | 'failed'; amount: Money; failureReason: string | null } | null;
}

export interface BookingPaymentSummary {
  id: string;
  type: 'deposit' | 'full_payment' | 'penalty';
  /** How the money came: `online` through the provider, or taken at the front desk. */
  method: PaymentMethodKind;
  status: string;
  amount: number;
  currency: string;
  refunded_amount: number;
}
