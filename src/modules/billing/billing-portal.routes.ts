/**
 * `POST /billing/portal-session`: the owner changes the card the plan is charged to on Stripe's hosted
 * customer portal (Stripe collects the card and runs 3-D Secure; we never see its number). The
 * business's Stripe customer is created on first use; the portal's change comes back as a
 * `customer.updated` webhook. The sandbox has no portal: 409 CONFLICT `no_customer_portal`, and its test
 * methods are chosen in the dashboard (`PUT /billing/payment-method`).
 */
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import type { BillingProvider } from './billing-provider.ts';
import { ensureBillingAccount } from './invoices.ts';

const portalSessionSchema = z.object({
  url: z.url().describe("Stripe's customer portal for this business; short-lived, open it at once"),
});

export function registerBillingPortalRoutes(api: ApiRouter, deps: { db: Db; provider: BillingProvider; billingUrl: string }): void {
  api.post(
    '/billing/portal-session',
    {
      // Owners only (as every billing change); allowed while suspended for an unpaid invoice, to fix the card and pay.
      config: { access: { permission: ['update', 'Tenant'] } },
      schema: {
        tags: ['Billing'],
        summary: "A session on the provider's customer portal, where the owner changes the card the plan is charged to",
        description:
          "Answers the URL of Stripe's hosted customer portal (it returns to the dashboard's billing screen); the new default card " +
          'reaches the billing details through the `customer.updated` webhook. 409 CONFLICT with `details.reason` `no_customer_portal` ' +
          'on the sandbox provider, whose test payment methods are saved with PUT /billing/payment-method; 503 SERVICE_UNAVAILABLE ' +
          'while Stripe cannot be reached.',
        response: { 200: envelopeSchema(portalSessionSchema) },
      },
    },
    async (request) => {
      const portal = deps.provider.portal;
      if (!portal) {
        throw new AppError('CONFLICT', 'The sandbox has no customer portal: choose one of its test payment methods in the billing screen', { reason: 'no_customer_portal' });
      }
      const tenantId = request.auth?.tenantId;
      if (!tenantId) throw new Error('access check let an anonymous request through');
      const customerId = await withTenant(deps.db, tenantId, async (trx) => {
        const account = await ensureBillingAccount(trx, tenantId);
        const customer = await portal.ensureCustomer({ tenantId, customerId: account.provider_customer_id, email: account.email });
        if (customer !== account.provider_customer_id) {
          await trx.updateTable('billing_accounts').set({ provider_customer_id: customer, updated_at: new Date() }).where('tenant_id', '=', tenantId).execute();
        }
        return customer;
      });
      return ok(await portal.session({ customerId, returnUrl: deps.billingUrl }));
    },
  );
}
