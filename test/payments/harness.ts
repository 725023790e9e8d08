/**
 * Test harness for payments: tenants and customers inserted directly (as
 * sign-up and booking would), the payments module as the product wires it
 * (`composeModules`, with the test fee table and sandbox secret) on the real platform HTTP
 * layer with `Bearer test:<tenant id>:<role>` credentials, and a recorder for
 * the sandbox's outgoing webhooks so tests decide when they are delivered.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../src/platform/db/database.ts';
import { withPlatform, withTenant } from '../../src/platform/db/tenant-context.ts';
import type { HttpServer } from '../../src/platform/http/server.ts';
import type { FeeRuleLookup, PaymentsModule, PaymentsModuleDeps } from '../../src/modules/payments/index.ts';
import type { SandboxWebhook } from '../../src/modules/payments/sandbox-provider.ts';
import { composeTestModules, makeTenant as makeAnyTenant, startModuleServer, type TestTenant } from '../support/module-server.ts';

export { adminToken, customerToken, readerToken } from '../support/module-server.ts';

/** The payment page link key of every test payments module. */
export const TEST_PAGE_KEY = Buffer.alloc(32, 7);

export interface PaymentsTenant extends TestTenant {
  customerId: string;
}

const FEES: Record<string, number> = { starter: 350, professional: 290, business: 240, enterprise: 190 };

/** The fee of the tenant's plan from the table above (a fixed 0.30 USD on top). */
const testFeeRule: FeeRuleLookup = async (executor, tenantId) => {
  const row = await sql<{ plan_id: string }>`select plan_id from tenants where id = ${tenantId}`.execute(executor);
  return { bps: FEES[row.rows[0]?.plan_id ?? 'starter'] ?? 350, fixed: { amount: 30, currency: 'USD' } };
};

/** A tenant on `plan` with one guest customer. */
export async function makeTenant(handle: DatabaseHandle, plan = 'starter'): Promise<PaymentsTenant> {
  const tenant = await makeAnyTenant(handle, { plan });
  const customerId = randomUUID();
  // Opaque placeholders: payments never reads personal data, only the customer's id.
  await withPlatform(handle.db, (trx) =>
    sql`insert into customers (tenant_id, id, type, first_name_enc, email_enc, email_bidx)
        values (${tenant.tenantId}, ${customerId}, 'guest', 'x', 'x', ${`bidx-${customerId}`})`.execute(trx),
  );
  return { ...tenant, customerId };
}

/** Collects what the sandbox sends instead of enqueuing it. */
export class WebhookRecorder {
  readonly sent: SandboxWebhook[] = [];
  readonly deliver = (webhook: SandboxWebhook): void => {
    this.sent.push(webhook);
  };
  ofType(type: string): SandboxWebhook[] {
    return this.sent.filter((webhook) => (JSON.parse(webhook.body) as { type: string }).type === type);
  }
}

export interface PaymentsHarness {
  server: HttpServer;
  payments: PaymentsModule;
  recorder: WebhookRecorder;
}

export async function startPayments(
  handle: DatabaseHandle,
  overrides: Partial<PaymentsModuleDeps> = {},
  options: { recordSandbox?: boolean } = {},
): Promise<PaymentsHarness> {
  const recorder = new WebhookRecorder();
  const { server, modules } = await startModuleServer(handle, {
    register(api, context) {
      const { payments } = composeTestModules(context, {
        paymentPageKey: TEST_PAGE_KEY,
        payments: {
          sandboxSecret: 'test-sandbox-secret',
          feeRuleOf: testFeeRule,
          ...(options.recordSandbox === false ? {} : { sandboxDelivery: recorder.deliver }),
          ...overrides,
        },
      });
      payments.registerRoutes(api);
      return { payments };
    },
    registerPages: (root, { payments }) => payments.registerPages(root),
  });
  return { server, payments: modules.payments, recorder };
}

export interface PaymentSnapshot {
  status: string;
  amount: number;
  refunded: number;
  events: Array<{ type: string }>;
}

/** The payment's status, refunded total and the events published about it. */
export async function snapshot(handle: DatabaseHandle, tenantId: string, paymentId: string): Promise<PaymentSnapshot> {
  return withTenant(handle.db, tenantId, async (trx) => {
    const payment = await sql<{ status: string; amount: number }>`
      select status, amount from payments where id = ${paymentId}`.execute(trx);
    const refunded = await sql<{ total: number }>`
      select coalesce(sum(amount), 0)::bigint as total from refunds where payment_id = ${paymentId} and status = 'succeeded'`.execute(trx);
    const events = await sql<{ type: string }>`
      select type from events where aggregate_id = ${paymentId} order by created_at, type`.execute(trx);
    return {
      status: payment.rows[0]?.status ?? 'missing',
      amount: Number(payment.rows[0]?.amount ?? 0),
      refunded: Number(refunded.rows[0]?.total ?? 0),
      events: events.rows,
    };
  });
}

/** Posts a signed webhook as the provider would. */
export async function postWebhook(server: HttpServer, provider: string, webhook: { body: string; headers: Record<string, string> }) {
  return server.inject({ method: 'POST', url: `/api/v1/payments/webhooks/${provider}`, headers: webhook.headers, payload: webhook.body });
}
