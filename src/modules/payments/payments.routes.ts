import { idempotencyKeyOf } from '../../platform/http/idempotency.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import type { PaymentsContext } from './payments-context.ts';
import { createIntentForBooking, toIntentResponse } from './payment-intents.service.ts';
import { createPaymentMethod, toPaymentMethodView } from './payment-methods.service.ts';
import { listPayments } from './payments-list.service.ts';
import { assertPaymentWithinCallerScope, bookingWithinCallerScope } from './payment-access.ts';
import { locationScopeOf } from '../../platform/http/location-scope.ts';
import { connectStatus, startOnboarding } from './connected-accounts.service.ts';
import {
  bookingIdParamsSchema,
  connectStatusSchema,
  deskPaymentCreateSchema,
  deskPaymentSchema,
  intentCreateSchema,
  intentSchema,
  onboardingCreateSchema,
  onboardingSchema,
  paymentIdParamsSchema,
  paymentListQuerySchema,
  paymentMethodCreateSchema,
  paymentMethodSchema,
  paymentSchema,
  refundCreateSchema,
  refundSchema,
} from './payments.schemas.ts';
import { refundPaymentAsStaff } from './refunds.service.ts';
import { recordDeskPayment } from './desk-payments.service.ts';
import { z } from 'zod';

const tags = ['Payments'];

/**
 * Connecting the business's payment account decides where its customers' money
 * goes (the onboarding link lets its holder enter the bank details for payouts):
 * business administrators only, like the tenant's other settings.
 */
const ACCOUNT_SETTINGS = { permission: ['manage', 'Settings'] } as const;

export function registerPaymentRoutes(api: ApiRouter, context: PaymentsContext): void {
  api.post(
    '/payments/intent',
    {
      schema: {
        tags,
        summary: 'Create or reuse the payment intent of a booking',
        description:
          'The amount is what the booking owes (deposit or full price); a given `amount`/`currency` must match it. ' +
          'With `payment_method_id` the intent is confirmed at once: a decline answers 402 `PAYMENT_FAILED`, ' +
          '3-D Secure answers `requires_action` with `next_action.redirect.url`. `payment_page_url` is the hosted page ' +
          'where the customer enters the card in the provider\'s own fields. A business whose payment account cannot ' +
          'take charges yet answers 409 `PAYMENTS_NOT_CONFIGURED`. ' +
          "Only the booking's payer may call it: its `manage_token`, its customer's session, or staff who may change the booking " +
          '(else 403 `PAYMENT_NOT_ALLOWED`); `return_url` is a path or a URL on the business\'s allowed origins (else 400 `RETURN_URL_NOT_ALLOWED`).',
        body: intentCreateSchema,
        response: { 200: envelopeSchema(intentSchema) },
      },
      config: { access: { public: true, tenant: 'required' } },
    },
    async (request) =>
      ok(
        toIntentResponse(
          context,
          await createIntentForBooking(context, requireTenant(request), request.body, idempotencyKeyOf(request), {
            auth: request.auth,
            manageToken: request.body.manage_token,
          }),
        ),
      ),
  );

  api.post(
    '/bookings/:id/payments/desk',
    {
      schema: {
        tags,
        summary: 'Record a payment taken at the front desk (cash, card terminal, other)',
        description:
          "The balance after a deposit, or part of it: at most what the booking still owes (its price less what its payments " +
          "keep), else 409 `PAYMENT_EXCEEDS_BALANCE`; in the booking's currency. Only confirmed, rescheduled or completed " +
          'bookings take one (else 409 `BOOKING_NOT_PAYABLE`), and only staff who may change the booking record it (else 403 ' +
          "`PAYMENT_NOT_ALLOWED`). The payment is recorded as succeeded with `method` and `recorded_by` and announced as " +
          '`payment.succeeded` (provider `desk`), which raises the booking\'s paid amount; its refunds are recorded, never sent to the provider.',
        params: bookingIdParamsSchema,
        body: deskPaymentCreateSchema,
        response: { 201: envelopeSchema(deskPaymentSchema) },
      },
      config: { access: { permission: ['update', 'Booking'] } },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          ok(await recordDeskPayment(context, requireTenant(request), request.params.id, request.body, request.auth, idempotencyKeyOf(request))),
        ),
  );

  api.post(
    '/payments/:payment_id/refund',
    {
      schema: {
        tags,
        summary: 'Refund a payment in full or in part',
        description:
          'Never more than paid minus already refunded: above that answers 400 `REFUND_EXCEEDS_PAYMENT`. ' +
          'A payment taken at the front desk is refunded at the desk: the refund is recorded as succeeded, nothing goes to the provider.',
        params: paymentIdParamsSchema,
        body: refundCreateSchema,
        response: { 201: envelopeSchema(refundSchema) },
      },
      config: { access: { permission: ['refund', 'Payment'] } },
    },
    async (request, reply) => {
      await assertPaymentWithinCallerScope(context, requireTenant(request), request.auth, request.params.payment_id);
      const refund = await refundPaymentAsStaff(
        context,
        requireTenant(request),
        request.params.payment_id,
        request.body,
        idempotencyKeyOf(request),
      );
      return reply.code(201).send(
        ok({ refund_id: refund.id, payment_id: refund.payment_id, amount: refund.amount, currency: refund.currency, status: refund.status }),
      );
    },
  );

  api.get(
    '/payments',
    {
      schema: { tags, summary: 'List payments (of a booking)', querystring: paymentListQuerySchema, response: { 200: envelopeSchema(z.array(paymentSchema)) } },
      config: { access: { permission: ['read', 'Payment'] } },
    },
    async (request) => {
      const tenantId = requireTenant(request);
      const scoped = locationScopeOf(request.auth) !== null;
      const page = await listPayments(
        context.db,
        tenantId,
        request.query,
        scoped ? (executor, bookingId) => bookingWithinCallerScope(context, executor, tenantId, request.auth, bookingId) : undefined,
      );
      return ok(page.items, page.pagination);
    },
  );

  api.post(
    '/payment-methods',
    {
      schema: {
        tags,
        summary: 'Register a payment method',
        description:
          'Live mode: `provider_payment_method_id` from the provider card element (card numbers never reach the server). ' +
          'Sandbox: also `card` with one of its test numbers (4242424242424242 succeeds, 4000000000000002 declines, ' +
          '4000002500003155 needs 3-D Secure). With `customer_id` the method is saved for that customer: only the customer ' +
          "(signed in, or with the `manage_token` of one of their bookings) or staff who may update customers may do it " +
          '(else 403 `PAYMENT_NOT_ALLOWED`).',
        body: paymentMethodCreateSchema,
        response: { 201: envelopeSchema(paymentMethodSchema) },
      },
      config: { access: { public: true, tenant: 'required' } },
    },
    async (request, reply) =>
      reply.code(201).send(
        ok(
          toPaymentMethodView(
            await createPaymentMethod(context, requireTenant(request), request.body, { auth: request.auth, manageToken: request.body.manage_token }),
          ),
        ),
      ),
  );

  api.get(
    '/payments/connect',
    {
      schema: {
        tags,
        summary: "The business's payment account (Stripe Connect) and whether it can take charges",
        description:
          'Refreshed from the provider on each call (the sandbox keeps no state: its signed `account.updated` events are the ' +
          'source). `required: true` means deposits are refused with 409 `PAYMENTS_NOT_CONFIGURED` until `charges_enabled`.',
        response: { 200: envelopeSchema(connectStatusSchema) },
      },
      config: { access: ACCOUNT_SETTINGS },
    },
    async (request) => ok(await connectStatus(context, requireTenant(request))),
  );

  api.post(
    '/payments/connect/onboarding',
    {
      schema: {
        tags,
        summary: "Start or continue the business's payment account onboarding",
        description:
          'Creates the connected account on first use (201; later calls 200, same account) and returns a single-use link ' +
          "to the provider's hosted onboarding. The provider sends the business back to the dashboard " +
          '(`{PUBLIC_URL}/admin/settings/payments?connect=return`, or `?connect=refresh` to ask for a new link).',
        body: onboardingCreateSchema.optional(),
        response: { 200: envelopeSchema(onboardingSchema), 201: envelopeSchema(onboardingSchema) },
      },
      config: { access: ACCOUNT_SETTINGS },
    },
    async (request, reply) => {
      const started = await startOnboarding(context, requireTenant(request), request.body);
      return reply
        .code(started.created ? 201 : 200)
        .send(ok({ ...started.status, onboarding_url: started.link.url, expires_at: started.link.expiresAt.toISOString() }));
    },
  );
}
