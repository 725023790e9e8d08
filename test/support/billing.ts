/**
 * Billing tests' shared set-up through the HTTP API: the app with a platform administrator, a business's billing
 * details, and a business that pays (details and a card saved, its trial over, its first period invoiced).
 */
import { expect } from 'vitest';
import { createPlatformAdminSession, signupTenant, startTestApp, type Actor, type SignupOverrides, type TenantOwner, type TestApp } from './factories.ts';

/** A billing test file's app (with `env`) and the platform administrator who edits plans and refunds in it. */
export async function startAppWithPlatformAdmin(env: Record<string, string> = {}): Promise<{ t: TestApp; admin: Actor }> {
  const t = await startTestApp(env);
  return { t, admin: await createPlatformAdminSession(t) };
}

async function billingApi<T>(t: TestApp, owner: TenantOwner, method: 'GET' | 'PUT', url: string, payload?: Record<string, unknown>): Promise<T> {
  const response = await t.server.inject({ method, url: `/api/v1${url}`, headers: owner.headers, ...(payload === undefined ? {} : { payload }) });
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(200);
  return (JSON.parse(response.body) as { data: T }).data;
}

/** Saves the business's billing details: Spanish, with a VAT number, in the name of "<business> S.L." unless `details` says otherwise. */
export async function saveBillingDetails(t: TestApp, owner: TenantOwner, details: Record<string, unknown> = {}): Promise<void> {
  await billingApi(t, owner, 'PUT', '/billing/account', { legal_name: `${owner.tenant.name} S.L.`, tax_id: 'ESB12345678', country: 'ES', ...details });
}

export interface BillableBusinessOptions {
  signup?: SignupOverrides;
  /** Billing details over the Spanish defaults of `saveBillingDetails`. */
  details?: Record<string, unknown>;
  /** The sandbox's test card: `pm_card_visa` pays; others fail at a given step. */
  paymentMethod?: string;
}

/** A business signed up with billing details and a card saved, still in its trial. */
export async function businessWithCard(t: TestApp, { signup = {}, details = {}, paymentMethod = 'pm_card_visa' }: BillableBusinessOptions = {}): Promise<TenantOwner> {
  const owner = await signupTenant(t, signup);
  await saveBillingDetails(t, owner, details);
  await billingApi(t, owner, 'PUT', '/billing/payment-method', { payment_method: paymentMethod });
  return owner;
}

/**
 * A business with billing details and a card (see `businessWithCard`) whose trial has ended: the billing cycle, run
 * a minute after the trial's end, invoiced its first period (and charged it, with a card that pays). Returns the
 * business with that first invoice, typed as the test reads it.
 */
export async function payingBusiness<Invoice>(t: TestApp, options: BillableBusinessOptions = {}): Promise<{ owner: TenantOwner; invoice: Invoice }> {
  const owner = await businessWithCard(t, options);
  const { subscription } = await billingApi<{ subscription: { trial_end: string } }>(t, owner, 'GET', '/billing');
  await t.app.billing.runCycle(new Date(Date.parse(subscription.trial_end) + 60_000), owner.tenant.id);
  const [invoice] = await billingApi<Invoice[]>(t, owner, 'GET', '/billing/invoices');
  if (invoice === undefined) throw new Error(`the end of ${owner.tenant.name}'s trial invoiced nothing`);
  return { owner, invoice };
}
