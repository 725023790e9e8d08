import { randomUUID } from 'node:crypto';
import type { Executor } from '../../platform/db/database.ts';
import { AppError, validationError } from '../../platform/http/errors.ts';
import { isCurrency, isMinorAmount, type Money } from '../../platform/money.ts';
import type { DepositResult, DepositStatus } from './payments-port.ts';
import { providerKey, type PaymentsContext } from './payments-context.ts';
import { PAYMENT_ID_METADATA, PaymentDeclinedError, ProviderUnavailableError, type ProviderIntent } from './payment-provider.ts';
import { publishPaymentFailed, publishPaymentSucceeded } from './payments.events.ts';
import { isOpen, outcomeOfIntent } from './payment-status.ts';
import { applyIntentOutcome, scheduleReconciliation } from './payment-updates.ts';
import { platformFee } from './platform-fee.ts';
import { destinationForCharge } from './connected-accounts.service.ts';
import { nextActionOf } from './next-action.ts';
import { paymentPageUrl } from './payment-page-link.ts';
import * as repo from './payments.repository.ts';
import type { PaymentRow } from './payments.repository.ts';
import type { PaymentStatus, PaymentType } from './payments.tables.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One charge to start: a booking's deposit or prepayment, or a no-show penalty. */
export interface ChargeRequest {
  tenantId: string;
  bookingId: string;
  customerId: string;
  amount: Money;
  type: PaymentType;
  /** Our saved method's id (uuid) or a provider token (`pm_...`). Absent: the browser confirms later. */
  paymentMethodId?: string | undefined;
  savePaymentMethod?: boolean | undefined;
  /** Charge the customer's saved method without them present (no-show fee). */
  offSession?: boolean | undefined;
  returnUrl?: string | undefined;
  idempotencyKey: string;
  description: string;
}

function assertChargeable(amount: Money): void {
  if (!isCurrency(amount.currency)) {
    throw validationError([{ field: 'currency', message: 'unknown ISO 4217 currency' }]);
  }
  if (!isMinorAmount(amount.amount) || amount.amount === 0) {
    throw validationError([{ field: 'amount', message: 'must be a positive whole number of minor units' }]);
  }
}

function statusOf(intent: ProviderIntent): PaymentStatus {
  return outcomeOfIntent(intent);
}

/** The hosted payment page of an open payment, null once it is paid, cancelled or refunded. */
export function pageUrlOf(context: PaymentsContext, payment: PaymentRow): string | null {
  return isOpen(payment.status) ? paymentPageUrl(context.publicUrl, context.pageKey, payment.tenant_id, payment.id) : null;
}

export function toDepositResult(context: PaymentsContext, payment: PaymentRow): DepositResult {
  const status: DepositStatus =
    payment.status === 'succeeded' || payment.status === 'refunded' || payment.status === 'partially_refunded'
      ? 'succeeded'
      : payment.status === 'cancelled'
        ? 'failed'
        : payment.status;
  return {
    paymentId: payment.id,
    intentId: payment.provider_payment_id ?? payment.id,
    clientSecret: payment.client_secret,
    status,
    amount: { amount: payment.amount, currency: payment.currency },
    nextAction: nextActionOf(payment),
    paymentPageUrl: pageUrlOf(context, payment),
    failureReason: payment.failure_reason,
  };
}

/** Provider errors in API terms: a refusal is 402, an outage 503 (retry with the same key charges once). */
export function providerFailure(error: unknown): never {
  if (error instanceof PaymentDeclinedError) {
    throw new AppError('PAYMENT_FAILED', 'The payment method was refused', { reason: error.code });
  }
  if (error instanceof ProviderUnavailableError) {
    throw new AppError('SERVICE_UNAVAILABLE', 'The payment provider is unavailable; retry with the same Idempotency-Key', undefined, {
      'retry-after': '30',
    });
  }
  throw error;
}

interface ResolvedMethod {
  token: string;
  providerCustomerId: string | null;
}

async function resolveMethod(context: PaymentsContext, trx: Executor, request: ChargeRequest): Promise<ResolvedMethod | null> {
  const id = request.paymentMethodId;
  if (id === undefined) return null;
  if (!UUID.test(id)) return { token: id, providerCustomerId: null };
  const saved = await repo.findPaymentMethod(trx, request.tenantId, id);
  if (!saved || saved.provider !== context.provider.name) {
    throw validationError([{ field: 'payment_method_id', message: 'unknown payment method' }]);
  }
  if (saved.customer_id !== null && saved.customer_id !== request.customerId) {
    throw validationError([{ field: 'payment_method_id', message: 'the payment method belongs to another customer' }]);
  }
  return { token: saved.provider_payment_method_id, providerCustomerId: saved.provider_customer_id };
}

/** The provider customer of one of ours, created on first need (saving a card, off-session charges). */
export async function providerCustomerFor(context: PaymentsContext, trx: Executor, tenantId: string, customerId: string): Promise<string> {
  const known = await repo.findProviderCustomer(trx, tenantId, customerId, context.provider.name);
  if (known) return known;
  const created = await context.provider
    .createCustomer({ reference: customerId, idempotencyKey: providerKey(tenantId, 'customer', customerId) })
    .catch(providerFailure);
  await repo.insertProviderCustomer(trx, {
    tenantId,
    customerId,
    provider: context.provider.name,
    providerCustomerId: created.id,
  });
  return created.id;
}

/**
 * Starts a charge in the caller's transaction: creates (and with a payment
 * method, confirms) the provider intent with the platform fee of the tenant's
 * plan, records the payment and announces a success or decline. The same
 * idempotency key returns the recorded payment without calling the provider;
 * if the first attempt's transaction was rolled back, the provider receives
 * the same key again and returns the same intent, so money moves once.
 */
export async function startCharge(context: PaymentsContext, trx: Executor, request: ChargeRequest): Promise<PaymentRow> {
  assertChargeable(request.amount);
  const existing = await repo.findPaymentByIdempotencyKey(trx, request.tenantId, request.idempotencyKey);
  if (existing) {
    if (existing.booking_id !== request.bookingId || existing.amount !== request.amount.amount || existing.currency !== request.amount.currency) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This key was used for another payment; use a new key for a new payment');
    }
    return existing;
  }
  // Refused before anything reaches the provider when the business cannot take payments yet.
  const connectedAccount = await destinationForCharge(context, trx, request.tenantId);
  const method = await resolveMethod(context, trx, request);
  const wantsCustomer = request.savePaymentMethod === true || request.offSession === true;
  const providerCustomerId =
    method?.providerCustomerId ?? (wantsCustomer ? await providerCustomerFor(context, trx, request.tenantId, request.customerId) : null);
  const fee = platformFee(request.amount, await context.feeRuleOf(trx, request.tenantId));
  const paymentId = randomUUID();

  const intent = await context.provider
    .createIntent({
      amount: request.amount,
      description: request.description,
      metadata: {
        [PAYMENT_ID_METADATA]: paymentId,
        reservehub_tenant_id: request.tenantId,
        reservehub_booking_id: request.bookingId,
      },
      idempotencyKey: providerKey(request.tenantId, 'charge', request.idempotencyKey),
      paymentMethod: method?.token,
      confirm: method !== null,
      customer: providerCustomerId ?? undefined,
      savePaymentMethod: request.savePaymentMethod === true && providerCustomerId !== null,
      offSession: request.offSession,
      returnUrl: request.returnUrl,
      applicationFee: fee,
      connectedAccount,
    })
    .catch(providerFailure);

  const status = statusOf(intent);
  const payment = await repo.insertPayment(trx, {
    tenant_id: request.tenantId,
    id: paymentId,
    booking_id: request.bookingId,
    customer_id: request.customerId,
    type: request.type,
    status,
    amount: request.amount.amount,
    currency: request.amount.currency,
    platform_fee: fee,
    provider: context.provider.name,
    provider_payment_id: intent.id,
    provider_customer_id: providerCustomerId,
    payment_method_id: method?.token ?? null,
    client_secret: intent.clientSecret,
    next_action_url: intent.nextAction?.url ?? null,
    return_url: request.returnUrl ?? null,
    idempotency_key: request.idempotencyKey,
    description: request.description,
    failure_reason: status === 'failed' ? (intent.failure?.code ?? 'payment_failed') : null,
    metadata: connectedAccount ? { connected_account: connectedAccount } : {},
    processed_at: status === 'succeeded' ? new Date() : null,
  });
  if (status === 'succeeded') await publishPaymentSucceeded(trx, payment);
  if (status === 'failed') await publishPaymentFailed(trx, payment);
  if (status === 'processing') await scheduleReconciliation(context, trx, payment);
  if (request.savePaymentMethod && method && providerCustomerId && status !== 'failed') {
    await repo.upsertPaymentMethod(trx, {
      tenant_id: request.tenantId,
      customer_id: request.customerId,
      provider: context.provider.name,
      provider_payment_method_id: method.token,
      provider_customer_id: providerCustomerId,
    });
  }
  return payment;
}

/**
 * Confirms an open payment with a (new) payment method: the customer retries
 * after a decline, or picks a card for an intent created without one.
 */
export async function confirmCharge(
  context: PaymentsContext,
  trx: Executor,
  payment: PaymentRow,
  request: { paymentMethodId: string; returnUrl?: string | undefined; idempotencyKey: string },
): Promise<PaymentRow> {
  if (payment.provider_payment_id === null) throw new Error(`payment ${payment.id} has no provider intent`);
  const method = await resolveMethod(context, trx, {
    tenantId: payment.tenant_id,
    bookingId: payment.booking_id,
    customerId: payment.customer_id,
    amount: { amount: payment.amount, currency: payment.currency },
    type: payment.type,
    paymentMethodId: request.paymentMethodId,
    idempotencyKey: request.idempotencyKey,
    description: payment.description ?? '',
  });
  if (!method) return payment;
  const intent = await context.provider
    .confirmIntent({
      intentId: payment.provider_payment_id,
      paymentMethod: method.token,
      returnUrl: request.returnUrl ?? payment.return_url ?? undefined,
      idempotencyKey: providerKey(payment.tenant_id, 'confirm', request.idempotencyKey),
    })
    .catch(providerFailure);
  const outcome = outcomeOfIntent(intent);
  const withMethod = await repo.updatePayment(trx, payment.tenant_id, payment.id, {
    payment_method_id: method.token,
    // The customer comes back where this confirmation said (the 3-D Secure page reads it).
    ...(request.returnUrl !== undefined ? { return_url: request.returnUrl } : {}),
    ...(outcome === 'requires_action' ? { next_action_url: intent.nextAction?.url ?? null } : {}),
  });
  return applyIntentOutcome(context, trx, withMethod, outcome, intent.failure);
}
