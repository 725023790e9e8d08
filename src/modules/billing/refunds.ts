/**
 * Refunds of a paid invoice, in full or in part, each documented by a credit note (series RH-CN)
 * that rectifies it: the platform's finance side gives money back through the provider, and the
 * business receives the credit note like any invoice. The credit note, the invoice's refunded
 * amount and both audit records are written in the caller's transaction, and the provider is asked
 * last: a refusal rolls everything back, so the RH-CN numbers keep no gap.
 */
import type { Trx } from '../../platform/db/database.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { PLATFORM_AUDIT_TENANT_ID, recordAudit, type AuditEntry } from '../audit/index.ts';
import type { BillingProvider } from './billing-provider.ts';
import type { StoredInvoiceLine } from './billing.tables.ts';
import { lockInvoice, nextInvoiceNumber, type InvoiceRow } from './invoices.ts';

/** How far an invoice has been refunded (derived from its refunded amount and total). */
export type RefundState = 'none' | 'partial' | 'full';

export function refundStateOf(invoice: Pick<InvoiceRow, 'kind' | 'total' | 'amount_refunded'>): RefundState {
  if (invoice.kind !== 'invoice' || invoice.amount_refunded <= 0) return 'none';
  return invoice.amount_refunded >= invoice.total ? 'full' : 'partial';
}

/**
 * The tax inside a refund of `amount` minor units of an invoice whose `total` carries `tax`, after
 * `refundedBefore` was refunded already. The tax refunded so far is kept at the invoice's tax
 * share of everything refunded, rounded half up, so each refund's net + tax is exactly its amount
 * and, once the whole total is refunded, the credit notes' tax adds up to the invoice's exactly.
 * @throws RangeError unless 0 < amount ≤ total − refundedBefore (all safe integers, tax ≤ total).
 */
export function refundSplit(input: { total: number; tax: number; refundedBefore: number; amount: number }): { net: number; tax: number } {
  const { total, tax, refundedBefore, amount } = input;
  for (const value of [total, tax, refundedBefore, amount]) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`refund figures must be non-negative safe integers, got ${value}`);
  }
  if (tax > total || amount === 0 || refundedBefore + amount > total) throw new RangeError(`cannot refund ${amount} of ${total} after ${refundedBefore}`);
  const taxShare = (refunded: number) => Math.floor((2 * tax * refunded + total) / (2 * total));
  const taxPart = taxShare(refundedBefore + amount) - taxShare(refundedBefore);
  return { net: amount - taxPart, tax: taxPart };
}

/**
 * The credit note's lines: the invoice's own lines negated when its whole total is refunded at
 * once (with the account credit it used given back as a positive line, so the net is what was
 * paid), otherwise one line "Partial refund of RH-…" for the net part.
 */
export function creditNoteLines(invoice: InvoiceRow, amount: number, net: number): StoredInvoiceLine[] {
  if (amount === invoice.total && invoice.amount_refunded === 0) {
    const lines = invoice.lines.map((line) => ({ ...line, unit_amount: -line.unit_amount, amount: -line.amount }));
    if (invoice.credit_applied > 0) {
      lines.push({
        description: { es: `Saldo a favor aplicado en ${invoice.number}`, en: `Account credit applied on ${invoice.number}` },
        quantity: 1,
        unit_amount: invoice.credit_applied,
        amount: invoice.credit_applied,
        period_start: null,
        period_end: null,
      });
    }
    return lines;
  }
  return [
    {
      description: { es: `Devolución parcial de ${invoice.number}`, en: `Partial refund of ${invoice.number}` },
      quantity: 1,
      unit_amount: -net,
      amount: -net,
      period_start: null,
      period_end: null,
    },
  ];
}

/** Who refunds, for both audit records. */
export interface RefundCaller extends Pick<AuditEntry, 'actor' | 'userId' | 'impersonatedBy'> {
  ip: string;
  userAgent: string | null;
  requestId: string;
}

export interface RefundOutcome {
  invoice: InvoiceRow;
  creditNote: InvoiceRow;
}

/**
 * Refunds `amount` (the whole remaining total when absent) of a paid invoice of `tenantId` and
 * issues its credit note. Runs on the platform's path (both audit logs are written), in `executor`'s
 * transaction, with the invoice row locked so two refunds of one invoice wait for each other.
 */
export async function refundInvoice(
  executor: Trx,
  tenantId: string,
  invoiceId: string,
  input: { amount?: number | undefined; reason: string },
  deps: { provider: BillingProvider; caller: RefundCaller; now?: Date },
): Promise<RefundOutcome> {
  const now = deps.now ?? new Date();
  const invoice = await lockInvoice(executor, tenantId, invoiceId);
  if (!invoice || invoice.kind !== 'invoice') throw notFound('Invoice');
  if (invoice.status !== 'paid') throw new AppError('CONFLICT', `Invoice ${invoice.number} is ${invoice.status}: only a paid invoice can be refunded`, { reason: 'invoice_not_paid' });
  const remaining = Math.max(invoice.total, 0) - invoice.amount_refunded;
  const amount = input.amount ?? remaining;
  if (amount <= 0 || amount > remaining) {
    throw new AppError('REFUND_EXCEEDS_PAYMENT', remaining > 0 ? `Only ${remaining} minor units of invoice ${invoice.number} are left to refund` : `Invoice ${invoice.number} has nothing left to refund`, {
      refundable: remaining,
    });
  }
  if (!invoice.provider_payment_id) throw new AppError('CONFLICT', `Invoice ${invoice.number} was not paid through the provider`, { reason: 'no_provider_payment' });

  const split = refundSplit({ total: invoice.total, tax: invoice.tax_amount, refundedBefore: invoice.amount_refunded, amount });
  const lines = creditNoteLines(invoice, amount, split.net);
  const whole = amount === invoice.total;
  const creditNote = await executor
    .insertInto('platform_invoices')
    .values({
      tenant_id: tenantId,
      kind: 'credit_note',
      number: await nextInvoiceNumber(executor, 'credit_note', now),
      status: 'paid',
      reason: 'refund',
      currency: invoice.currency,
      lines: JSON.stringify(lines),
      subtotal: lines.reduce((sum, line) => sum + line.amount, 0),
      credit_applied: 0,
      // The tax treatment is the invoice's (rate, reverse charge or OSS), whatever the buyer's details say now.
      tax_label: invoice.tax_label,
      tax_rate_bps: invoice.tax_rate_bps,
      tax_amount: 0 - split.tax,
      reverse_charge: invoice.reverse_charge,
      total: -amount,
      amount_paid: -amount,
      buyer: JSON.stringify(invoice.buyer),
      period_start: whole ? invoice.period_start : null,
      period_end: whole ? invoice.period_end : null,
      credits_invoice_id: invoice.id,
      plan_id: invoice.plan_id,
      billing_interval: invoice.billing_interval,
      refund_reason: input.reason,
      issued_at: now,
      due_at: null,
      paid_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const refunded = await executor
    .updateTable('platform_invoices')
    .set({ amount_refunded: invoice.amount_refunded + amount })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', invoice.id)
    .returningAll()
    .executeTakeFirstOrThrow();

  // Last, so that a refusal (thrown) rolls back the credit note and gives its number back.
  const refund = await deps.provider.refund(invoice.provider_payment_id, amount, invoice.currency, {
    idempotencyKey: `refund:${invoice.id}:${invoice.amount_refunded}:${amount}`,
    reason: input.reason,
  });
  const recorded = await executor
    .updateTable('platform_invoices')
    .set({ provider_payment_id: refund.id })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', creditNote.id)
    .returningAll()
    .executeTakeFirstOrThrow();

  for (const target of [PLATFORM_AUDIT_TENANT_ID, tenantId]) {
    await recordAudit(executor, {
      tenantId: target,
      ...deps.caller,
      action: 'billing.invoice_refunded',
      entityType: 'invoice',
      entityId: invoice.id,
      oldValues: { amount_refunded: invoice.amount_refunded },
      newValues: {
        number: invoice.number,
        credit_note: recorded.number,
        amount,
        currency: invoice.currency,
        amount_refunded: refunded.amount_refunded,
        refund_state: refundStateOf(refunded),
        provider_refund_id: refund.id,
        reason: input.reason,
      },
      metadata: { tenant_id: tenantId, tool: 'platform_billing' },
    });
  }
  return { invoice: refunded, creditNote: recorded };
}
