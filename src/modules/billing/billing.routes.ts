import { z } from 'zod';
import type { Db, Trx } from '../../platform/db/database.ts';
import { withPlatform, withTenant } from '../../platform/db/tenant-context.ts';
import { callerOf } from '../../platform/http/access.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { actorOf, annotateAudit } from '../audit/index.ts';
import { findLiveSubscription, getTenant, type SubscriptionRow } from '../tenancy/index.ts';
import type { BillingProvider } from './billing-provider.ts';
import {
  billingAccountBodySchema,
  billingAccountSchema,
  billingOverviewSchema,
  changePlanBodySchema,
  creditBodySchema,
  extendTrialBodySchema,
  invoiceSchema,
  paymentMethodBodySchema,
  planChangeSchema,
  refundBodySchema,
  refundSchema,
  subscriptionSchema,
} from './billing.schemas.ts';
import { renderInvoicePdf } from './invoice-pdf.ts';
import { appliedCouponView, registerCouponRoutes } from './coupon.routes.ts';
import { runningCoupon } from './coupons.ts';
import { ensureBillingAccount, findInvoice, invoiceDocument, listInvoices, openInvoices, subscriptionPrice, type BillingAccountRow, type InvoiceRow, type Seller } from './invoices.ts';
import { refundInvoice, refundStateOf } from './refunds.ts';
import type { SubscriptionLifecycle } from './subscription-lifecycle.ts';
import { invoiceTransactionFees, type TransactionFees, type TransactionFeesPort } from './transaction-fees.ts';

const tags = ['Billing'];
const platformTags = ['Platform administration'];

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function subscriptionView(row: SubscriptionRow): z.infer<typeof subscriptionSchema> {
  return {
    plan_id: row.plan_id,
    billing_interval: row.billing_interval,
    status: row.status,
    current_period_start: row.current_period_start.toISOString(),
    current_period_end: row.current_period_end.toISOString(),
    trial_end: iso(row.trial_end),
    cancel_at_period_end: row.cancel_at_period_end,
    pending_plan_id: row.pending_plan_id,
    pending_interval: row.pending_interval,
    past_due_since: iso(row.past_due_since),
    next_attempt_at: iso(row.next_attempt_at),
    dunning_attempts: row.dunning_attempts,
  };
}

function accountView(row: BillingAccountRow): z.infer<typeof billingAccountSchema> {
  return {
    legal_name: row.legal_name,
    tax_id: row.tax_id,
    address_lines: row.address_lines,
    country: row.country,
    email: row.email,
    language: row.language,
    payment_method: row.payment_method && row.payment_method_brand && row.payment_method_last4 ? { brand: row.payment_method_brand, last4: row.payment_method_last4 } : null,
    credit_balance: row.credit_balance,
  };
}

export function invoiceView(row: InvoiceRow, language: 'es' | 'en' = row.buyer.language, transactionFees: TransactionFees[] | null = null): z.infer<typeof invoiceSchema> {
  return {
    id: row.id,
    kind: row.kind,
    number: row.number,
    status: row.status,
    reason: row.reason,
    currency: row.currency,
    lines: row.lines.map((line) => ({ ...line, description: line.description[language] })),
    subtotal: row.subtotal,
    credit_applied: row.credit_applied,
    tax: { label: row.tax_label, rate_bps: row.tax_rate_bps, amount: row.tax_amount, reverse_charge: row.reverse_charge },
    total: row.total,
    amount_paid: row.amount_paid,
    amount_refunded: row.amount_refunded,
    refund_state: refundStateOf(row),
    credits_invoice_id: row.credits_invoice_id,
    refund_reason: row.refund_reason,
    period_start: iso(row.period_start),
    period_end: iso(row.period_end),
    attempts: row.attempts,
    last_failure: row.last_failure,
    issued_at: row.issued_at.toISOString(),
    paid_at: iso(row.paid_at),
    pdf_url: `/api/v1/billing/invoices/${row.id}/pdf`,
    discount: row.coupon_code ? { code: row.coupon_code, amount: row.discount_amount } : null,
    transaction_fees: transactionFees,
  };
}

const invoiceParams = z.object({ id: z.uuid() });
const tenantParams = z.object({ id: z.uuid() });
const tenantInvoiceParams = z.object({ id: z.uuid(), invoiceId: z.uuid() });
const languageQuery = z.object({ lang: z.enum(['es', 'en']).optional() });

export interface BillingRoutesDeps {
  db: Db;
  lifecycle: SubscriptionLifecycle;
  provider: BillingProvider;
  seller: Seller;
  /** Payments' fee figures for the invoices' statement (none: the statement is left out). */
  transactionFees?: TransactionFeesPort | undefined;
}

export function registerBillingRoutes(api: ApiRouter, deps: BillingRoutesDeps): void {
  const { db, lifecycle } = deps;
  const fees = deps.transactionFees ?? null;

  const overviewIn = async (trx: Trx, tenantId: string) => {
    const subscription = await findLiveSubscription(trx, tenantId);
    const coupon = await runningCoupon(trx, tenantId);
    return {
      subscription: subscription ? subscriptionView(subscription) : null,
      account: accountView(await ensureBillingAccount(trx, tenantId)),
      provider: deps.provider.name,
      open_invoices: (await openInvoices(trx, tenantId)).length,
      price: subscription ? await subscriptionPrice(trx, subscription) : null,
      coupon: coupon ? appliedCouponView(coupon) : null,
    };
  };

  /** The invoices with their fee statements (one read each, in the tenant's transaction). */
  const invoiceViews = async (trx: Trx, tenantId: string, language?: 'es' | 'en') => {
    const views = [];
    for (const row of await listInvoices(trx, tenantId)) views.push(invoiceView(row, language, await invoiceTransactionFees(fees, trx, row)));
    return views;
  };

  api.get(
    '/billing',
    {
      config: { access: { permission: ['read', 'Tenant'] } },
      schema: { tags, summary: "The business's subscription, billing details and payment method", response: { 200: envelopeSchema(billingOverviewSchema) } },
    },
    async (request) => {
      const tenantId = callerOf(request).tenantId;
      return ok(await withTenant(db, tenantId, (trx) => overviewIn(trx, tenantId)));
    },
  );

  api.put(
    '/billing/account',
    {
      config: { access: { permission: ['update', 'Tenant'] } },
      schema: {
        tags,
        summary: 'Billing details: legal name, tax id, address, country (they decide the invoice tax), invoice e-mail and language',
        body: billingAccountBodySchema,
        response: { 200: envelopeSchema(billingAccountSchema) },
      },
    },
    async (request) => {
      const tenantId = callerOf(request).tenantId;
      return ok(
        await withTenant(db, tenantId, async (trx) => {
          await ensureBillingAccount(trx, tenantId);
          const { address_lines: addressLines, ...rest } = request.body;
          await trx
            .updateTable('billing_accounts')
            .set({ ...rest, ...(addressLines ? { address_lines: JSON.stringify(addressLines) } : {}), updated_at: new Date() })
            .where('tenant_id', '=', tenantId)
            .execute();
          return accountView(await ensureBillingAccount(trx, tenantId));
        }),
      );
    },
  );

  api.put(
    '/billing/payment-method',
    {
      config: { access: { permission: ['update', 'Tenant'] } },
      schema: { tags, summary: 'Saves the payment method the subscription is charged to', body: paymentMethodBodySchema, response: { 200: envelopeSchema(billingAccountSchema) } },
    },
    async (request) => {
      const tenantId = callerOf(request).tenantId;
      return ok(
        await withTenant(db, tenantId, async (trx) => {
          const account = await ensureBillingAccount(trx, tenantId);
          const attached = await deps.provider.attachPaymentMethod({ tenantId, customerId: account.provider_customer_id, email: account.email, paymentMethod: request.body.payment_method });
          await trx
            .updateTable('billing_accounts')
            .set({
              payment_method: request.body.payment_method,
              payment_method_brand: attached.brand,
              payment_method_last4: attached.last4,
              provider_customer_id: attached.customerId,
              updated_at: new Date(),
            })
            .where('tenant_id', '=', tenantId)
            .execute();
          return accountView(await ensureBillingAccount(trx, tenantId));
        }),
      );
    },
  );

  api.post(
    '/billing/subscription/change',
    {
      config: { access: { permission: ['update', 'Tenant'] } },
      schema: {
        tags,
        summary: 'Change plan or billing interval',
        description:
          'In a trial the plan changes at once, free. Once paid, a dearer plan or a switch to yearly takes effect at once and the ' +
          'prorated difference is charged now (402 PAYMENT_FAILED and nothing changes when the card is declined); a cheaper plan or a ' +
          'switch to monthly takes effect at the period end (`effective: period_end`), and only while usage fits it: otherwise 409 ' +
          'CONFLICT with `details.excesses` listing what must go. Asking for the current plan cancels a waiting change.',
        body: changePlanBodySchema,
        response: { 200: envelopeSchema(planChangeSchema) },
      },
    },
    async (request) => {
      const auth = callerOf(request);
      const change = await withTenant(db, auth.tenantId, (trx) => lifecycle.changePlan(trx, auth.tenantId, { planId: request.body.plan_id, interval: request.body.interval }, actorOf(auth)));
      return ok({ subscription: subscriptionView(change.subscription), invoice: change.invoice ? invoiceView(change.invoice) : null, effective: change.effective });
    },
  );

  for (const [path, cancel, summary] of [
    ['/billing/subscription/cancel', true, 'Cancel at the end of the paid period (the data export stays available until then)'],
    ['/billing/subscription/resume', false, 'Keep a subscription that was set to cancel'],
  ] as const) {
    api.post(
      path,
      { config: { access: { permission: ['update', 'Tenant'] } }, schema: { tags, summary, response: { 200: envelopeSchema(subscriptionSchema) } } },
      async (request) => {
        const auth = callerOf(request);
        return ok(subscriptionView(await withTenant(db, auth.tenantId, (trx) => lifecycle.setCancelAtPeriodEnd(trx, auth.tenantId, cancel, actorOf(auth)))));
      },
    );
  }

  api.get(
    '/billing/invoices',
    {
      config: { access: { permission: ['read', 'Tenant'] } },
      schema: { tags, summary: "The business's invoices and credit notes, newest first", querystring: languageQuery, response: { 200: envelopeSchema(z.array(invoiceSchema)) } },
    },
    async (request) => {
      const tenantId = callerOf(request).tenantId;
      return ok(await withTenant(db, tenantId, (trx) => invoiceViews(trx, tenantId, request.query.lang)));
    },
  );

  api.get(
    '/billing/invoices/:id/pdf',
    {
      config: { access: { permission: ['read', 'Tenant'] } },
      schema: { tags, summary: 'An invoice or credit note as PDF', params: invoiceParams, querystring: languageQuery },
    },
    async (request, reply) => {
      const tenantId = callerOf(request).tenantId;
      const document = await withTenant(db, tenantId, async (trx) => {
        const invoice = await findInvoice(trx, tenantId, request.params.id);
        if (!invoice) throw notFound('Invoice');
        return invoiceDocument(trx, invoice, deps.seller, request.query.lang, await invoiceTransactionFees(fees, trx, invoice));
      });
      const pdf = await renderInvoicePdf(document);
      return reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="${document.number}.pdf"`).type('application/pdf').send(pdf);
    },
  );

  api.post(
    '/billing/invoices/:id/pay',
    {
      config: { access: { permission: ['update', 'Tenant'] } },
      schema: {
        tags,
        summary: 'Pay an open invoice now with the saved payment method',
        description: 'Allowed while the business is suspended for an unpaid invoice; once nothing is left open the subscription is active and the business restored.',
        params: invoiceParams,
        response: { 200: envelopeSchema(z.object({ invoice: invoiceSchema, restored: z.boolean() })) },
      },
    },
    async (request) => {
      const auth = callerOf(request);
      const paid = await withTenant(db, auth.tenantId, (trx) => lifecycle.payInvoice(trx, auth.tenantId, request.params.id, actorOf(auth)));
      if (paid.failure) throw new AppError('PAYMENT_FAILED', 'The card was declined: update the payment method and try again', { reason: paid.failure });
      return ok({ invoice: invoiceView(paid.invoice), restored: paid.restored });
    },
  );

  registerCouponRoutes(api, { db });

  // The platform's support and finance side.
  const platformOnly = { access: { permission: ['manage', 'Platform'] as ['manage', 'Platform'] } };

  api.get(
    '/platform/tenants/:id/billing',
    {
      config: platformOnly,
      schema: {
        tags: platformTags,
        summary: "A business's subscription, billing details and invoices",
        params: tenantParams,
        response: { 200: envelopeSchema(billingOverviewSchema.extend({ invoices: z.array(invoiceSchema) })) },
      },
    },
    async (request) => {
      const tenantId = request.params.id;
      return ok(
        await withTenant(db, tenantId, async (trx) => {
          if (!(await getTenant(trx, tenantId))) throw notFound('Tenant');
          return { ...(await overviewIn(trx, tenantId)), invoices: await invoiceViews(trx, tenantId) };
        }),
      );
    },
  );

  api.post(
    '/platform/tenants/:id/billing/extend-trial',
    { config: platformOnly, schema: { tags: platformTags, summary: "Extend a business's trial", params: tenantParams, body: extendTrialBodySchema, response: { 200: envelopeSchema(subscriptionSchema) } } },
    async (request) => {
      const auth = callerOf(request);
      const tenantId = request.params.id;
      return ok(subscriptionView(await withTenant(db, tenantId, (trx) => lifecycle.extendTrial(trx, tenantId, request.body.days, actorOf(auth)))));
    },
  );

  api.post(
    '/platform/tenants/:id/billing/credit',
    {
      config: platformOnly,
      schema: {
        tags: platformTags,
        summary: 'Grant account credit (minor units of the plan currency), used first by the next invoices',
        params: tenantParams,
        body: creditBodySchema,
        response: { 200: envelopeSchema(z.object({ credit_balance: z.int() })) },
      },
    },
    async (request) => {
      const auth = callerOf(request);
      const tenantId = request.params.id;
      const balance = await withTenant(db, tenantId, (trx) => lifecycle.grantCredit(trx, tenantId, request.body.amount, request.body.reason, actorOf(auth)));
      return ok({ credit_balance: balance });
    },
  );

  api.post(
    '/platform/tenants/:id/billing/invoices/:invoiceId/refund',
    {
      config: platformOnly,
      schema: {
        tags: platformTags,
        summary: 'Refund a paid invoice, in full or in part, with a credit note',
        description:
          'Gives back `amount` (minor units; the whole amount not yet refunded when absent) through the billing provider and issues a ' +
          'credit note (series RH-CN) that rectifies the invoice: one line per invoice line for a whole refund, one "Partial refund of" ' +
          'line otherwise, the tax split in proportion and the invoice\'s tax treatment kept. 409 CONFLICT for an invoice that is not ' +
          'paid, 400 REFUND_EXCEEDS_PAYMENT beyond what is left to refund, 402 PAYMENT_FAILED when the provider refuses (nothing is ' +
          'issued then). Recorded in the platform\'s audit log and the business\'s.',
        params: tenantInvoiceParams,
        body: refundBodySchema,
        response: { 200: envelopeSchema(refundSchema) },
      },
    },
    async (request) => {
      const auth = callerOf(request);
      const tenantId = request.params.id;
      const caller = { ...actorOf(auth), ip: request.ip, userAgent: request.headers['user-agent'] ?? null, requestId: request.id };
      // The platform's path: the refund writes the platform's audit log as well as the business's, in its transaction.
      const outcome = await withPlatform(db, (trx) => refundInvoice(trx, tenantId, request.params.invoiceId, request.body, { provider: deps.provider, caller }));
      // Both audit records are written with the refund; the automatic one would repeat the platform's.
      annotateAudit(request, { skip: true });
      return ok({ invoice: invoiceView(outcome.invoice), credit_note: invoiceView(outcome.creditNote) });
    },
  );
}
