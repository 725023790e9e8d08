import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type {
  PaymentMethodsTable,
  PaymentsTable,
  RefundsTable,
  RefundStatus,
} from './payments.tables.ts';
import './payments.tables.ts';

export type PaymentRow = Selectable<PaymentsTable>;
export type RefundRow = Selectable<RefundsTable>;
export type PaymentMethodRow = Selectable<PaymentMethodsTable>;
export type NewPayment = Omit<Insertable<PaymentsTable>, 'metadata'> & { metadata?: Record<string, unknown> };
export type PaymentPatch = Omit<Updateable<PaymentsTable>, 'tenant_id' | 'id' | 'metadata' | 'created_at'>;

/** A payment with what has gone back of it (pending refunds reserve their amount too). */
export type PaymentWithRefunds = PaymentRow & { refunded_amount: number; refund_reserved: number };

export async function insertPayment(executor: Executor, values: NewPayment): Promise<PaymentRow> {
  const { metadata, ...rest } = values;
  return executor
    .insertInto('payments')
    .values({ ...rest, metadata: JSON.stringify(metadata ?? {}) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findPaymentByIdempotencyKey(executor: Executor, tenantId: string, key: string): Promise<PaymentRow | undefined> {
  return executor
    .selectFrom('payments')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export async function findPayment(executor: Executor, tenantId: string, paymentId: string): Promise<PaymentRow | undefined> {
  return executor.selectFrom('payments').selectAll().where('tenant_id', '=', tenantId).where('id', '=', paymentId).executeTakeFirst();
}

/** The payment, locked for the rest of the transaction: every status change goes through this lock. */
export async function lockPayment(executor: Executor, tenantId: string, paymentId: string): Promise<PaymentRow | undefined> {
  return executor
    .selectFrom('payments')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', paymentId)
    .forUpdate()
    .executeTakeFirst();
}

export async function lockPaymentByProviderId(
  executor: Executor,
  tenantId: string,
  provider: string,
  providerPaymentId: string,
): Promise<PaymentRow | undefined> {
  return executor
    .selectFrom('payments')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('provider', '=', provider)
    .where('provider_payment_id', '=', providerPaymentId)
    .forUpdate()
    .executeTakeFirst();
}

/** Payments of a booking, oldest first, locked (refunds and expiry serialise on them). */
export async function lockPaymentsOfBooking(executor: Executor, tenantId: string, bookingId: string): Promise<PaymentRow[]> {
  return executor
    .selectFrom('payments')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('booking_id', '=', bookingId)
    .orderBy('created_at')
    .orderBy('id')
    .forUpdate()
    .execute();
}

/**
 * Platform lookup for webhooks, which arrive without a tenant: which tenant
 * holds the payment with this provider id. Runs outside tenant context (the
 * index `payments_provider_id` serves it).
 */
export async function tenantOfProviderPayment(executor: Executor, provider: string, providerPaymentId: string): Promise<string | undefined> {
  const row = await executor
    .selectFrom('payments')
    .select('tenant_id')
    .where('provider', '=', provider)
    .where('provider_payment_id', '=', providerPaymentId)
    .executeTakeFirst();
  return row?.tenant_id;
}

/** Platform lookup for the sandbox's confirmation page: where to send the customer back. */
export async function returnUrlOfProviderPayment(executor: Executor, provider: string, providerPaymentId: string): Promise<string | null> {
  const row = await executor
    .selectFrom('payments')
    .select('return_url')
    .where('provider', '=', provider)
    .where('provider_payment_id', '=', providerPaymentId)
    .executeTakeFirst();
  return row?.return_url ?? null;
}

export async function tenantOfProviderRefund(executor: Executor, providerRefundId: string): Promise<string | undefined> {
  const row = await executor
    .selectFrom('refunds')
    .select('tenant_id')
    .where('provider_refund_id', '=', providerRefundId)
    .executeTakeFirst();
  return row?.tenant_id;
}

export async function updatePayment(executor: Executor, tenantId: string, paymentId: string, patch: PaymentPatch): Promise<PaymentRow> {
  return executor
    .updateTable('payments')
    .set({ ...patch, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', paymentId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

const refundedSum = (status: readonly RefundStatus[]) =>
  sql<number>`coalesce((select sum(r.amount) from refunds r
    where r.tenant_id = payments.tenant_id and r.payment_id = payments.id and r.status in (${sql.join(status)})), 0)::bigint`;

export interface PaymentListOptions {
  bookingId?: string | undefined;
  /** Keyset position: created_at (ISO) and id of the previous page's last row. */
  after?: { createdAt: string; id: string } | undefined;
  limit: number;
}

/** Payments newest first, with refunded totals; `limit + 1` rows so the caller knows whether more exist. */
export async function listPayments(executor: Executor, tenantId: string, options: PaymentListOptions): Promise<PaymentWithRefunds[]> {
  return executor
    .selectFrom('payments')
    .selectAll()
    .select(refundedSum(['succeeded']).as('refunded_amount'))
    .select(refundedSum(['succeeded', 'pending']).as('refund_reserved'))
    .where('tenant_id', '=', tenantId)
    .$if(options.bookingId !== undefined, (query) => query.where('booking_id', '=', options.bookingId ?? ''))
    .$if(options.after !== undefined, (query) =>
      query.where(
        sql<boolean>`(date_trunc('milliseconds', created_at), id) < (${options.after?.createdAt ?? ''}::timestamptz, ${options.after?.id ?? ''}::uuid)`,
      ),
    )
    // Cursors carry milliseconds (ISO strings), so order by exactly what they can express.
    .orderBy(sql`date_trunc('milliseconds', created_at)`, 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
}

export async function paymentsOfBooking(executor: Executor, tenantId: string, bookingId: string): Promise<PaymentWithRefunds[]> {
  return executor
    .selectFrom('payments')
    .selectAll()
    .select(refundedSum(['succeeded']).as('refunded_amount'))
    .select(refundedSum(['succeeded', 'pending']).as('refund_reserved'))
    .where('tenant_id', '=', tenantId)
    .where('booking_id', '=', bookingId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Refunded (succeeded) and reserved (succeeded + pending) totals of one payment. */
export async function refundTotals(executor: Executor, tenantId: string, paymentId: string): Promise<{ succeeded: number; reserved: number }> {
  const row = await executor
    .selectFrom('refunds')
    .select([
      sql<number>`coalesce(sum(amount) filter (where status = 'succeeded'), 0)::bigint`.as('succeeded'),
      sql<number>`coalesce(sum(amount) filter (where status in ('succeeded', 'pending')), 0)::bigint`.as('reserved'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('payment_id', '=', paymentId)
    .executeTakeFirstOrThrow();
  return { succeeded: Number(row.succeeded), reserved: Number(row.reserved) };
}

export async function insertRefund(executor: Executor, values: Insertable<RefundsTable>): Promise<RefundRow> {
  return executor.insertInto('refunds').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function findRefundByIdempotencyKey(executor: Executor, tenantId: string, key: string): Promise<RefundRow | undefined> {
  return executor
    .selectFrom('refunds')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export async function lockRefundByProviderId(executor: Executor, tenantId: string, providerRefundId: string): Promise<RefundRow | undefined> {
  return executor
    .selectFrom('refunds')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('provider_refund_id', '=', providerRefundId)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateRefund(
  executor: Executor,
  tenantId: string,
  refundId: string,
  patch: { status: RefundStatus; provider_refund_id?: string | null; failure_reason?: string | null; processed_at?: Date | null },
): Promise<RefundRow> {
  return executor
    .updateTable('refunds')
    .set({ ...patch, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', refundId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Records a provider event as applied. False when it was already recorded: a
 * concurrent delivery of the same event waits on the key and then finds it.
 */
export async function recordProviderEvent(
  executor: Executor,
  values: { tenantId: string; provider: string; eventId: string; type: string; objectId: string | null; outcome: string },
): Promise<boolean> {
  const inserted = await executor
    .insertInto('provider_events')
    .values({
      tenant_id: values.tenantId,
      provider: values.provider,
      event_id: values.eventId,
      type: values.type,
      provider_object_id: values.objectId,
      outcome: values.outcome,
    })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'provider', 'event_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function setProviderEventOutcome(
  executor: Executor,
  tenantId: string,
  provider: string,
  eventId: string,
  outcome: string,
): Promise<void> {
  await executor
    .updateTable('provider_events')
    .set({ outcome })
    .where('tenant_id', '=', tenantId)
    .where('provider', '=', provider)
    .where('event_id', '=', eventId)
    .execute();
}

export async function findProviderCustomer(
  executor: Executor,
  tenantId: string,
  customerId: string,
  provider: string,
): Promise<string | undefined> {
  const row = await executor
    .selectFrom('payment_customers')
    .select('provider_customer_id')
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  return row?.provider_customer_id;
}

export async function insertProviderCustomer(
  executor: Executor,
  values: { tenantId: string; customerId: string; provider: string; providerCustomerId: string },
): Promise<void> {
  await executor
    .insertInto('payment_customers')
    .values({
      tenant_id: values.tenantId,
      customer_id: values.customerId,
      provider: values.provider,
      provider_customer_id: values.providerCustomerId,
    })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'customer_id', 'provider']).doNothing())
    .execute();
}

export async function upsertPaymentMethod(executor: Executor, values: Insertable<PaymentMethodsTable>): Promise<PaymentMethodRow> {
  return executor
    .insertInto('payment_methods')
    .values(values)
    .onConflict((conflict) =>
      conflict.columns(['tenant_id', 'provider', 'provider_payment_method_id']).doUpdateSet((eb) => ({
        customer_id: eb.fn.coalesce('excluded.customer_id', 'payment_methods.customer_id'),
        provider_customer_id: eb.fn.coalesce('excluded.provider_customer_id', 'payment_methods.provider_customer_id'),
        updated_at: new Date(),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findPaymentMethod(executor: Executor, tenantId: string, id: string): Promise<PaymentMethodRow | undefined> {
  return executor.selectFrom('payment_methods').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** The customer's most recently saved method with a provider customer (for off-session charges). */
export async function latestSavedMethod(
  executor: Executor,
  tenantId: string,
  customerId: string,
  provider: string,
): Promise<PaymentMethodRow | undefined> {
  return executor
    .selectFrom('payment_methods')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .where('provider', '=', provider)
    .where('provider_customer_id', 'is not', null)
    .orderBy('updated_at', 'desc')
    .executeTakeFirst();
}
