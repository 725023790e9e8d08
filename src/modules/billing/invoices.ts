/**
 * Invoices and credit notes: numbered per platform without gaps, taxed by the business's country,
 * issued to the buyer as the billing details read at that moment.
 */
import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { findPlan, findPlanVersion, type BillingInterval, type SubscriptionRow } from '../tenancy/index.ts';
import type { BillingAccountsTable, InvoiceKind, InvoiceReason, PlatformInvoicesTable, StoredBuyer, StoredInvoiceLine } from './billing.tables.ts';
import { couponDiscount } from './coupons.ts';
import type { InvoiceDocument } from './invoice-pdf.ts';
import { taxAmount, taxFor } from './tax.ts';
import type { TransactionFees } from './transaction-fees.ts';
import './billing.tables.ts';

export type InvoiceRow = Selectable<PlatformInvoicesTable>;
export type BillingAccountRow = Selectable<BillingAccountsTable>;

/** Who issues the invoices: the platform's own legal details (configuration). */
export interface Seller {
  name: string;
  taxId: string;
  address: string[];
  email: string;
  country: string;
}

const SERIES: Record<InvoiceKind, string> = { invoice: 'RH', credit_note: 'RH-CN' };

/**
 * The next number of a series and year, e.g. RH-2026-000042. The counter row is updated inside
 * the invoice's own transaction: concurrent invoices wait on its lock, and a rolled-back invoice
 * gives its number back, so numbers have no gaps.
 */
export async function nextInvoiceNumber(executor: Executor, kind: InvoiceKind, at: Date): Promise<string> {
  const series = SERIES[kind];
  const year = at.getUTCFullYear();
  const row = await sql<{ last_number: number }>`
    insert into billing_invoice_series (series, year, last_number) values (${series}, ${year}, 1)
    on conflict (series, year) do update set last_number = billing_invoice_series.last_number + 1
    returning last_number`.execute(executor);
  return `${series}-${year}-${String(row.rows[0]!.last_number).padStart(6, '0')}`;
}

export async function billingAccount(executor: Executor, tenantId: string): Promise<BillingAccountRow | undefined> {
  return executor.selectFrom('billing_accounts').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
}

/** The account row, created empty on first use (the business's name is the fallback legal name). */
export async function ensureBillingAccount(executor: Executor, tenantId: string): Promise<BillingAccountRow> {
  await executor.insertInto('billing_accounts').values({ tenant_id: tenantId }).onConflict((conflict) => conflict.column('tenant_id').doNothing()).execute();
  return (await billingAccount(executor, tenantId))!;
}

export interface NewInvoice {
  kind: InvoiceKind;
  reason: InvoiceReason;
  currency: string;
  lines: StoredInvoiceLine[];
  planId: string | null;
  interval: BillingInterval | null;
  periodStart: Date | null;
  periodEnd: Date | null;
  creditsInvoiceId?: string | null;
  /** Whether the account's credit balance pays part of it (invoices only). */
  useCredit: boolean;
}

/**
 * Issues an invoice or credit note in the caller's transaction. A subscription's invoice gets the
 * running coupon's discount as a line of its own; tax follows the buyer's country and VAT number;
 * the account's credit (support credit) pays what it can first. An invoice with nothing to pay is
 * issued paid.
 */
export async function issueInvoice(executor: Executor, tenantId: string, input: NewInvoice, context: { seller: Seller; businessName: string; now: Date }): Promise<InvoiceRow> {
  const account = await ensureBillingAccount(executor, tenantId);
  // A proration of the current period does not start one (an upgrade to yearly does: it starts now).
  const startsPeriod = input.reason !== 'subscription_update' || input.periodStart?.getTime() === context.now.getTime();
  const discount =
    input.kind === 'invoice' && input.reason.startsWith('subscription_')
      ? await couponDiscount(executor, tenantId, { lines: input.lines, currency: input.currency, planId: input.planId, startsPeriod }, context.now)
      : null;
  const lines = discount ? [...input.lines, discount.line] : input.lines;
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const creditApplied = input.kind === 'invoice' && input.useCredit ? Math.min(account.credit_balance, Math.max(subtotal, 0)) : 0;
  if (creditApplied > 0) {
    await executor.updateTable('billing_accounts').set({ credit_balance: account.credit_balance - creditApplied, updated_at: context.now }).where('tenant_id', '=', tenantId).execute();
  }
  const tax = taxFor({ sellerCountry: context.seller.country, buyerCountry: account.country, buyerVatNumber: account.tax_id });
  const taxable = subtotal - creditApplied;
  const taxValue = taxAmount(taxable, tax.rateBps);
  const total = taxable + taxValue;
  const buyer: StoredBuyer = {
    name: account.legal_name ?? context.businessName,
    tax_id: account.tax_id,
    address_lines: account.address_lines,
    country: account.country,
    email: account.email,
    language: account.language,
  };
  const settled = input.kind === 'invoice' && total <= 0;
  return executor
    .insertInto('platform_invoices')
    .values({
      tenant_id: tenantId,
      kind: input.kind,
      number: await nextInvoiceNumber(executor, input.kind, context.now),
      status: settled ? 'paid' : 'open',
      reason: input.reason,
      currency: input.currency,
      lines: JSON.stringify(lines),
      subtotal,
      credit_applied: creditApplied,
      tax_label: tax.label,
      tax_rate_bps: tax.rateBps,
      tax_amount: taxValue,
      reverse_charge: tax.reverseCharge,
      total,
      amount_paid: 0,
      buyer: JSON.stringify(buyer),
      period_start: input.periodStart,
      period_end: input.periodEnd,
      credits_invoice_id: input.creditsInvoiceId ?? null,
      plan_id: input.planId,
      billing_interval: input.interval,
      issued_at: context.now,
      due_at: settled ? null : context.now,
      paid_at: settled ? context.now : null,
      discount_amount: discount?.amount ?? 0,
      coupon_code: discount?.code ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findInvoice(executor: Executor, tenantId: string, invoiceId: string): Promise<InvoiceRow | undefined> {
  return executor.selectFrom('platform_invoices').selectAll().where('tenant_id', '=', tenantId).where('id', '=', invoiceId).executeTakeFirst();
}

export async function lockInvoice(executor: Executor, tenantId: string, invoiceId: string): Promise<InvoiceRow | undefined> {
  return executor.selectFrom('platform_invoices').selectAll().where('tenant_id', '=', tenantId).where('id', '=', invoiceId).forUpdate().executeTakeFirst();
}

export async function openInvoices(executor: Executor, tenantId: string): Promise<InvoiceRow[]> {
  return executor
    .selectFrom('platform_invoices')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', 'invoice')
    .where('status', '=', 'open')
    .orderBy('issued_at')
    .forUpdate()
    .execute();
}

export async function listInvoices(executor: Executor, tenantId: string, limit = 100): Promise<InvoiceRow[]> {
  return executor.selectFrom('platform_invoices').selectAll().where('tenant_id', '=', tenantId).orderBy('issued_at', 'desc').orderBy('number', 'desc').limit(limit).execute();
}

/** What the PDF prints: the stored invoice in its buyer's language, with the period's transaction-fee statement. */
export async function invoiceDocument(
  executor: Executor,
  invoice: InvoiceRow,
  seller: Seller,
  language?: 'es' | 'en',
  transactionFees: TransactionFees[] | null = null,
): Promise<InvoiceDocument> {
  const lang = language ?? invoice.buyer.language;
  const credited = invoice.credits_invoice_id ? await findInvoice(executor, invoice.tenant_id, invoice.credits_invoice_id) : undefined;
  const lines = invoice.lines.map((line) => ({
    description: line.description[lang],
    quantity: line.quantity,
    unitAmount: line.unit_amount,
    amount: line.amount,
    periodStart: line.period_start ? new Date(line.period_start) : null,
    periodEnd: line.period_end ? new Date(line.period_end) : null,
  }));
  if (invoice.credit_applied > 0) {
    lines.push({
      description: lang === 'es' ? 'Saldo a favor aplicado' : 'Account credit applied',
      quantity: 1,
      unitAmount: -invoice.credit_applied,
      amount: -invoice.credit_applied,
      periodStart: null,
      periodEnd: null,
    });
  }
  return {
    kind: invoice.kind,
    number: invoice.number,
    issuedAt: invoice.issued_at,
    dueAt: invoice.due_at,
    paidAt: invoice.paid_at,
    credits: credited ? { number: credited.number } : null,
    reason: invoice.refund_reason,
    language: lang,
    seller: { name: seller.name, taxId: seller.taxId, address: seller.address, email: seller.email },
    buyer: { name: invoice.buyer.name, taxId: invoice.buyer.tax_id, address: invoice.buyer.address_lines, country: invoice.buyer.country },
    currency: invoice.currency,
    lines,
    subtotal: invoice.subtotal - invoice.credit_applied,
    tax: { label: invoice.tax_label as 'VAT' | 'IVA' | 'none', rateBps: invoice.tax_rate_bps, amount: invoice.tax_amount, reverseCharge: invoice.reverse_charge },
    total: invoice.total,
    amountPaid: invoice.amount_paid,
    amountDue: invoice.status === 'open' ? invoice.total - invoice.amount_paid : 0,
    status: invoice.status,
    transactionFees,
  };
}

/**
 * What the subscription actually pays, which for a grandfathered business is not the list price:
 * the price version it signed up at, the list price of its plan today, and the price its next
 * renewal moves to when the platform applied a new version to existing subscribers. A contract
 * (no list price) has null amounts.
 */
export async function subscriptionPrice(executor: Executor, subscription: SubscriptionRow): Promise<SubscriptionPrice> {
  const plan = await findPlan(executor, subscription.plan_id);
  const amountAt = async (version: number) => {
    const prices = await findPlanVersion(executor, subscription.plan_id, version);
    const amount = subscription.billing_interval === 'year' ? prices?.annual_price_amount : prices?.price_amount;
    return { amount: amount === null || amount === undefined ? null : Number(amount), currency: prices?.price_currency.trim() ?? 'EUR' };
  };
  const paying = await amountAt(subscription.plan_version);
  const list = plan ? await amountAt(plan.price_version) : paying;
  const renewal = subscription.renewal_plan_version !== null && subscription.renewal_plan_version !== subscription.plan_version ? subscription.renewal_plan_version : null;
  return {
    plan_version: subscription.plan_version,
    amount: paying.amount,
    currency: paying.currency,
    interval: subscription.billing_interval,
    list_amount: list.amount,
    grandfathered: plan !== undefined && plan.price_version !== subscription.plan_version,
    renewal: renewal === null ? null : { plan_version: renewal, amount: (await amountAt(renewal)).amount, at: subscription.current_period_end.toISOString() },
  };
}

export interface SubscriptionPrice {
  plan_version: number;
  amount: number | null;
  currency: string;
  interval: BillingInterval;
  list_amount: number | null;
  grandfathered: boolean;
  renewal: { plan_version: number; amount: number | null; at: string } | null;
}
