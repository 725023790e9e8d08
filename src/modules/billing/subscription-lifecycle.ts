/**
 * A business's subscription from trial to cancellation: plan changes (upgrades now with
 * proration, downgrades at the period's end once usage fits), renewals, dunning of a failed
 * renewal (past_due, retries, then unpaid and suspended), payment by the owner, and the provider's
 * events applied once whatever their order. Every function runs in the caller's transaction
 * under the tenant's context, with the live subscription locked; every change is audited.
 */
import type { Trx } from '../../platform/db/database.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { recordAudit } from '../audit/index.ts';
import {
  defaultBusiness,
  getTenant,
  lockLiveSubscription,
  planExcesses,
  setTenantStatus,
  updateLiveSubscription,
  updateTenantPlan,
  type BillingInterval,
  type PlanRow,
  type SubscriptionRow,
} from '../tenancy/index.ts';
import type { StoredInvoiceLine } from './billing.tables.ts';
import { ensureBillingAccount, issueInvoice, lockInvoice, openInvoices, type InvoiceRow } from './invoices.ts';
import {
  audit,
  DAY,
  live,
  plan,
  planLine,
  priceOf,
  pricesAt,
  RETRY_SCHEDULE_DAYS,
  snapshot,
  UNPAID_SUSPENSION_REASON,
  type Actor,
  type BillingNotice,
  type LifecycleDeps,
  type PlanChange,
  versionFor,
} from './lifecycle-support.ts';
import { addInterval, upgradeProration } from './periods.ts';

export { RETRY_SCHEDULE_DAYS, UNPAID_SUSPENSION_REASON, type Actor, type BillingMessagesPort, type BillingNotice, type LifecycleDeps, type PlanChange } from './lifecycle-support.ts';


export class SubscriptionLifecycle {
  private readonly deps: LifecycleDeps;

  constructor(deps: LifecycleDeps) {
    this.deps = deps;
  }

  private async context(executor: Trx, tenantId: string, now: Date) {
    const business = await defaultBusiness(executor, tenantId);
    return { seller: this.deps.seller, businessName: business?.name ?? 'ReserveHub', now };
  }

  /** Refuses a move to `target` while usage exceeds its limits, listing each excess. */
  private async assertUsageFits(executor: Trx, tenantId: string, target: PlanRow): Promise<void> {
    const excesses = await planExcesses(executor, tenantId, target.id, this.deps.countUsers);
    if (excesses.length > 0) {
      throw new AppError('CONFLICT', `Usage exceeds the limits of the ${target.name} plan; reduce it before downgrading`, {
        reason: 'usage_exceeds_plan',
        excesses,
      });
    }
  }

  /**
   * Changes plan or interval. In a trial it changes at once, free. Once paid, a dearer plan (or a
   * switch to yearly) takes effect at once and is charged now with proration; a cheaper plan or a
   * switch to monthly waits for the period's end, and only when usage fits it. Asking for the
   * current plan cancels a waiting change.
   */
  async changePlan(executor: Trx, tenantId: string, input: { planId: string; interval: BillingInterval }, actor: Actor, now = new Date()): Promise<PlanChange> {
    const subscription = await live(executor, tenantId);
    const current = await plan(executor, subscription.plan_id);
    const target = await plan(executor, input.planId);
    // A hidden plan is not on offer (the platform places businesses on it); its subscribers may stay.
    if (!target.is_public && target.id !== current.id) throw new AppError('VALIDATION_ERROR', `Unknown plan "${input.planId}"`, [{ field: 'plan_id', message: 'unknown plan' }]);
    // What the subscription pays now (grandfathered), and the prices of a period that would start now.
    const paying = await pricesAt(executor, current.id, subscription.plan_version);
    const targetVersion = versionFor(subscription, target);
    const targetPrices = await pricesAt(executor, target.id, targetVersion);
    const newAmount = priceOf(target, input.interval, targetPrices);
    if (subscription.status === 'past_due' || subscription.status === 'unpaid') {
      throw new AppError('CONFLICT', 'Pay the open invoice before changing plan', { reason: 'invoice_unpaid' });
    }
    const before = snapshot(subscription);
    if (target.id === current.id && input.interval === subscription.billing_interval) {
      const updated = (await updateLiveSubscription(executor, tenantId, { pending_plan_id: null, pending_interval: null }))!;
      if (subscription.pending_plan_id !== null || subscription.pending_interval !== null) await audit(executor, tenantId, actor, 'subscription.change_cancelled', before, snapshot(updated));
      return { subscription: updated, invoice: null, effective: 'now' };
    }
    const cheaper = target.sort_order < current.sort_order;
    if (cheaper) await this.assertUsageFits(executor, tenantId, target);

    // A trial, or a contract (priced by the platform, not by the list): the change is immediate and
    // the next renewal charges the new plan's list price.
    const contract = paying.price_amount === null;
    // The subscription on the target plan, at the version a change starts (its grandfathered price is left behind).
    const movesTo = { plan_id: target.id, plan_version: targetVersion, renewal_plan_version: null, billing_interval: input.interval };
    if (subscription.status === 'trialing' || contract) {
      await updateTenantPlan(executor, tenantId, target.id);
      const updated = (await updateLiveSubscription(executor, tenantId, { ...movesTo, pending_plan_id: null, pending_interval: null }))!;
      await audit(executor, tenantId, actor, 'subscription.plan_changed', before, snapshot(updated));
      return { subscription: updated, invoice: null, effective: 'now' };
    }

    const oldAmount = priceOf(current, subscription.billing_interval, paying);
    const toYearly = input.interval === 'year' && subscription.billing_interval === 'month';
    const dearerSameInterval = input.interval === subscription.billing_interval && newAmount > oldAmount;
    if (!toYearly && !dearerSameInterval) {
      const updated = (await updateLiveSubscription(executor, tenantId, { pending_plan_id: target.id, pending_interval: input.interval }))!;
      await audit(executor, tenantId, actor, 'subscription.change_scheduled', before, snapshot(updated));
      return { subscription: updated, invoice: null, effective: 'period_end' };
    }

    const proration = upgradeProration({ oldAmount, newAmount, periodStart: subscription.current_period_start, periodEnd: subscription.current_period_end, now });
    const periodStart = toYearly ? now : subscription.current_period_start;
    const periodEnd = toYearly ? addInterval(now, 'year') : subscription.current_period_end;
    const lines: StoredInvoiceLine[] = [];
    if (proration.credit > 0) lines.push(planLine(current, subscription.billing_interval, -proration.credit, now, subscription.current_period_end, 'unused'));
    lines.push(toYearly ? planLine(target, 'year', newAmount, periodStart, periodEnd, 'period') : planLine(target, input.interval, proration.charge, now, periodEnd, 'remaining'));
    const invoice = await issueInvoice(
      executor,
      tenantId,
      { kind: 'invoice', reason: 'subscription_update', currency: targetPrices.price_currency.trim(), lines, planId: target.id, interval: input.interval, periodStart, periodEnd, useCredit: true },
      await this.context(executor, tenantId, now),
    );
    const paid = invoice.status === 'paid' ? invoice : await this.chargeOrRefuse(executor, tenantId, invoice, now);
    await updateTenantPlan(executor, tenantId, target.id);
    const updated = (await updateLiveSubscription(executor, tenantId, {
      ...movesTo,
      current_period_start: periodStart,
      current_period_end: periodEnd,
      pending_plan_id: null,
      pending_interval: null,
    }))!;
    await audit(executor, tenantId, actor, 'subscription.plan_changed', before, { ...snapshot(updated), invoice: paid.number, charged: paid.total });
    return { subscription: updated, invoice: paid, effective: 'now' };
  }

  /** An upgrade is paid at once or not made: a refused charge undoes the whole change (and the invoice number with it). */
  private async chargeOrRefuse(executor: Trx, tenantId: string, invoice: InvoiceRow, now: Date): Promise<InvoiceRow> {
    const result = await this.charge(executor, tenantId, invoice, now);
    if (result.status !== 'paid') {
      throw new AppError('PAYMENT_FAILED', 'The card was declined: update the payment method and try again', { reason: result.failure ?? 'card_declined' });
    }
    return result.invoice;
  }

  /** Charges an open invoice with the account's payment method; records the attempt. */
  private async charge(executor: Trx, tenantId: string, invoice: InvoiceRow, now: Date): Promise<{ status: 'paid' | 'failed'; invoice: InvoiceRow; failure: string | null }> {
    const account = await ensureBillingAccount(executor, tenantId);
    const attempt = invoice.attempts + 1;
    if (!account.payment_method || !account.provider_customer_id) {
      const failed = await executor
        .updateTable('platform_invoices')
        .set({ attempts: attempt, last_failure: 'no_payment_method' })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', invoice.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { status: 'failed', invoice: failed, failure: 'no_payment_method' };
    }
    const result = await this.deps.provider.charge({
      tenantId, invoiceId: invoice.id,
      customerId: account.provider_customer_id,
      paymentMethod: account.payment_method,
      amount: invoice.total - invoice.amount_paid,
      currency: invoice.currency,
      idempotencyKey: `invoice:${invoice.id}:${attempt}`,
      description: invoice.number,
    });
    if (result.status === 'succeeded') {
      return { status: 'paid', invoice: await this.markPaid(executor, invoice, result.paymentId, now, attempt), failure: null };
    }
    const failed = await executor
      .updateTable('platform_invoices')
      .set({ attempts: attempt, last_failure: result.failure })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', invoice.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { status: 'failed', invoice: failed, failure: result.failure };
  }

  private async markPaid(executor: Trx, invoice: InvoiceRow, paymentId: string, now: Date, attempts = invoice.attempts): Promise<InvoiceRow> {
    return executor
      .updateTable('platform_invoices')
      .set({ status: 'paid', amount_paid: invoice.total, paid_at: now, provider_payment_id: paymentId, attempts, last_failure: null })
      .where('tenant_id', '=', invoice.tenant_id)
      .where('id', '=', invoice.id)
      .where('status', '=', 'open')
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Once nothing is left open: the subscription is active again, its dunning cleared, and a
   * suspension billing made is lifted. Returns whether the business was restored.
   */
  private async settle(executor: Trx, tenantId: string, invoice: InvoiceRow, actor: Actor | null): Promise<boolean> {
    const stillOpen = (await openInvoices(executor, tenantId)).length;
    const subscription = await lockLiveSubscription(executor, tenantId);
    let restored = false;
    if (stillOpen === 0 && subscription && (subscription.status === 'past_due' || subscription.status === 'unpaid')) {
      const updated = (await updateLiveSubscription(executor, tenantId, { status: 'active', past_due_since: null, dunning_attempts: 0, next_attempt_at: null }))!;
      const tenant = await getTenant(executor, tenantId);
      if (tenant?.status === 'suspended' && tenant.settings.suspension_reason === UNPAID_SUSPENSION_REASON) {
        await setTenantStatus(executor, tenantId, 'active', null);
        restored = true;
      }
      await audit(executor, tenantId, actor, 'subscription.recovered', snapshot(subscription), { ...snapshot(updated), restored });
    }
    await this.notify(executor, tenantId, { kind: 'payment_succeeded', invoice, restored });
    return restored;
  }

  /**
   * The owner pays an open invoice now (allowed while suspended for it). A declined attempt is kept
   * (`failure`), so the caller commits it and then answers 402: the next attempt is a new charge.
   */
  async payInvoice(executor: Trx, tenantId: string, invoiceId: string, actor: Actor, now = new Date()): Promise<{ invoice: InvoiceRow; restored: boolean; failure: string | null }> {
    const invoice = await lockInvoice(executor, tenantId, invoiceId);
    if (!invoice || invoice.kind !== 'invoice') throw notFound('Invoice');
    if (invoice.status !== 'open') throw new AppError('CONFLICT', `Invoice ${invoice.number} is ${invoice.status}`, { reason: 'invoice_not_open' });
    const result = await this.charge(executor, tenantId, invoice, now);
    if (result.status !== 'paid') return { invoice: result.invoice, restored: false, failure: result.failure ?? 'card_declined' };
    await recordAudit(executor, { tenantId, userId: actor.userId ?? null, actor: actor.actor ?? { type: 'system', id: 'billing' }, action: 'invoice.paid', entityType: 'invoice', entityId: invoice.id, oldValues: { status: 'open' }, newValues: { status: 'paid', number: invoice.number } });
    return { invoice: result.invoice, restored: await this.settle(executor, tenantId, result.invoice, actor), failure: null };
  }

  /**
   * The period ended: a cancelled subscription ends (and the business with it); otherwise a
   * waiting change applies and the next period is invoiced and charged. A refused charge leaves
   * the invoice open and the subscription past_due with its first retry planned.
   */
  async renew(executor: Trx, tenantId: string, now = new Date()): Promise<'not_due' | 'cancelled' | 'renewed' | 'past_due'> {
    const subscription = await lockLiveSubscription(executor, tenantId);
    if (!subscription || (subscription.status !== 'trialing' && subscription.status !== 'active') || subscription.current_period_end > now) return 'not_due';
    const before = snapshot(subscription);
    if (subscription.cancel_at_period_end) {
      await updateLiveSubscription(executor, tenantId, { status: 'cancelled', cancelled_at: now });
      await setTenantStatus(executor, tenantId, 'cancelled', 'subscription_cancelled');
      await audit(executor, tenantId, null, 'subscription.ended', before, { status: 'cancelled' });
      return 'cancelled';
    }
    const nextPlan = await plan(executor, subscription.pending_plan_id ?? subscription.plan_id);
    // Grandfathered: the renewal keeps the subscription's price version unless the platform moved it on.
    const nextVersion = versionFor(subscription, nextPlan);
    const prices = await pricesAt(executor, nextPlan.id, nextVersion);
    const interval = subscription.pending_interval ?? subscription.billing_interval;
    const periodStart = subscription.current_period_end;
    const periodEnd = addInterval(periodStart, interval);
    if (nextPlan.id !== subscription.plan_id) await updateTenantPlan(executor, tenantId, nextPlan.id);
    if (prices.price_amount === null) {
      // A contract is invoiced outside the list prices: the period rolls on, nothing is charged here.
      const updated = (await updateLiveSubscription(executor, tenantId, { plan_id: nextPlan.id, plan_version: nextVersion, renewal_plan_version: null, status: 'active', current_period_start: periodStart, current_period_end: periodEnd, pending_plan_id: null, pending_interval: null }))!;
      await audit(executor, tenantId, null, 'subscription.renewed', before, snapshot(updated));
      return 'renewed';
    }
    const amount = priceOf(nextPlan, interval, prices);
    const invoice = await issueInvoice(
      executor,
      tenantId,
      {
        kind: 'invoice',
        reason: subscription.status === 'trialing' ? 'subscription_create' : 'subscription_cycle',
        currency: prices.price_currency.trim(),
        lines: [planLine(nextPlan, interval, amount, periodStart, periodEnd, 'period')],
        planId: nextPlan.id,
        interval,
        periodStart,
        periodEnd,
        useCredit: true,
      },
      await this.context(executor, tenantId, now),
    );
    const charged = invoice.status === 'paid' ? { status: 'paid' as const, invoice } : await this.charge(executor, tenantId, invoice, now);
    const common = { plan_id: nextPlan.id, plan_version: nextVersion, renewal_plan_version: null, billing_interval: interval, current_period_start: periodStart, current_period_end: periodEnd, pending_plan_id: null, pending_interval: null, trial_end: subscription.trial_end };
    if (charged.status === 'paid') {
      const updated = (await updateLiveSubscription(executor, tenantId, { ...common, status: 'active' }))!;
      await audit(executor, tenantId, null, 'subscription.renewed', before, { ...snapshot(updated), invoice: invoice.number });
      return 'renewed';
    }
    const nextAttemptAt = new Date(now.getTime() + RETRY_SCHEDULE_DAYS[0] * DAY);
    const updated = (await updateLiveSubscription(executor, tenantId, { ...common, status: 'past_due', past_due_since: now, dunning_attempts: 1, next_attempt_at: nextAttemptAt }))!;
    await audit(executor, tenantId, null, 'subscription.past_due', before, { ...snapshot(updated), invoice: invoice.number, failure: charged.invoice.last_failure });
    await this.notify(executor, tenantId, { kind: 'payment_failed', invoice: charged.invoice, nextAttemptAt });
    return 'past_due';
  }

  /** A planned retry of a past-due subscription's open invoices; after the last one fails, unpaid and suspended. */
  async retry(executor: Trx, tenantId: string, now = new Date()): Promise<'not_due' | 'recovered' | 'past_due' | 'suspended'> {
    const subscription = await lockLiveSubscription(executor, tenantId);
    if (!subscription || subscription.status !== 'past_due' || subscription.next_attempt_at === null || subscription.next_attempt_at > now) return 'not_due';
    let failed: InvoiceRow | null = null;
    for (const invoice of await openInvoices(executor, tenantId)) {
      const result = await this.charge(executor, tenantId, invoice, now);
      if (result.status === 'failed') failed = result.invoice;
    }
    if (failed === null) {
      await this.settle(executor, tenantId, await this.lastInvoice(executor, tenantId), null);
      return 'recovered';
    }
    const attempts = subscription.dunning_attempts + 1;
    const before = snapshot(subscription);
    if (attempts > RETRY_SCHEDULE_DAYS.length) {
      await updateLiveSubscription(executor, tenantId, { status: 'unpaid', dunning_attempts: attempts, next_attempt_at: null });
      await setTenantStatus(executor, tenantId, 'suspended', UNPAID_SUSPENSION_REASON);
      await audit(executor, tenantId, null, 'subscription.unpaid', before, { status: 'unpaid', tenant_status: 'suspended', invoice: failed.number });
      await this.notify(executor, tenantId, { kind: 'suspended', invoice: failed });
      return 'suspended';
    }
    const nextAttemptAt = new Date(now.getTime() + RETRY_SCHEDULE_DAYS[attempts - 1]! * DAY);
    await updateLiveSubscription(executor, tenantId, { dunning_attempts: attempts, next_attempt_at: nextAttemptAt });
    await audit(executor, tenantId, null, 'subscription.retry_failed', before, { attempts, next_attempt_at: nextAttemptAt.toISOString(), invoice: failed.number });
    await this.notify(executor, tenantId, { kind: 'payment_failed', invoice: failed, nextAttemptAt });
    return 'past_due';
  }

  private async notify(executor: Trx, tenantId: string, notice: BillingNotice): Promise<void> {
    if (!this.deps.messages) return;
    const account = await ensureBillingAccount(executor, tenantId);
    await this.deps.messages.queueBillingNotice(executor, tenantId, { ...notice, to: account.email, billingUrl: this.deps.billingUrl });
  }

  private async lastInvoice(executor: Trx, tenantId: string): Promise<InvoiceRow> {
    return executor.selectFrom('platform_invoices').selectAll().where('tenant_id', '=', tenantId).orderBy('issued_at', 'desc').limit(1).executeTakeFirstOrThrow();
  }

  /**
   * A provider's event about an invoice's payment, applied once: a repeated delivery is recorded
   * once and ignored, and a late failure for an invoice already paid changes nothing.
   */
  async applyProviderEvent(
    executor: Trx,
    tenantId: string,
    event: { id: string; type: 'invoice.paid' | 'invoice.payment_failed'; invoiceId: string; paymentId: string | null; failure?: string },
    now = new Date(),
  ): Promise<'applied' | 'duplicate' | 'ignored'> {
    const recorded = await executor
      .insertInto('billing_provider_events')
      .values({ tenant_id: tenantId, provider: this.deps.provider.name, event_id: event.id, type: event.type })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'provider', 'event_id']).doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (!recorded) return 'duplicate';
    const invoice = await lockInvoice(executor, tenantId, event.invoiceId);
    if (!invoice || invoice.status !== 'open') return 'ignored';
    if (event.type === 'invoice.payment_failed') {
      await executor.updateTable('platform_invoices').set({ last_failure: event.failure ?? 'card_declined' }).where('tenant_id', '=', tenantId).where('id', '=', invoice.id).execute();
      return 'applied';
    }
    const paid = await this.markPaid(executor, invoice, event.paymentId ?? event.id, now);
    await this.settle(executor, tenantId, paid, null);
    return 'applied';
  }

  async setCancelAtPeriodEnd(executor: Trx, tenantId: string, cancel: boolean, actor: Actor): Promise<SubscriptionRow> {
    const subscription = await live(executor, tenantId);
    const updated = (await updateLiveSubscription(executor, tenantId, { cancel_at_period_end: cancel }))!;
    await audit(executor, tenantId, actor, cancel ? 'subscription.cancel_scheduled' : 'subscription.resumed', snapshot(subscription), snapshot(updated));
    return updated;
  }

  /** Platform support: a longer trial (only while trialing). */
  async extendTrial(executor: Trx, tenantId: string, days: number, actor: Actor): Promise<SubscriptionRow> {
    const subscription = await live(executor, tenantId);
    if (subscription.status !== 'trialing') throw new AppError('CONFLICT', 'Only a trial can be extended', { reason: 'not_trialing' });
    const end = new Date(subscription.current_period_end.getTime() + days * DAY);
    const updated = (await updateLiveSubscription(executor, tenantId, { current_period_end: end, trial_end: end }))!;
    await audit(executor, tenantId, actor, 'subscription.trial_extended', { trial_end: subscription.trial_end?.toISOString() ?? null }, { trial_end: end.toISOString(), days });
    return updated;
  }

  /** Platform support: credit the next invoices pay first. */
  async grantCredit(executor: Trx, tenantId: string, amount: number, reason: string, actor: Actor): Promise<number> {
    const account = await ensureBillingAccount(executor, tenantId);
    const balance = account.credit_balance + amount;
    await executor.updateTable('billing_accounts').set({ credit_balance: balance, updated_at: new Date() }).where('tenant_id', '=', tenantId).execute();
    await recordAudit(executor, {
      tenantId,
      userId: actor.userId ?? null,
      actor: actor.actor ?? { type: 'system', id: 'billing' },
      impersonatedBy: actor.impersonatedBy ?? null,
      action: 'billing.credit_granted',
      entityType: 'billing_account',
      entityId: tenantId,
      oldValues: { credit_balance: account.credit_balance },
      newValues: { credit_balance: balance, amount, reason },
    });
    return balance;
  }
}
