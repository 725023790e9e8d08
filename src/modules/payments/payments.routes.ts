import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { FastifyRequest } from '../../platform/http/server.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import type { PaymentsContext } from './payments-context.ts';
import { createIntentForBooking, toIntentResponse } from './payment-intents.service.ts';
import { createPaymentMethod, toPaymentMethodView } from './payment-methods.service.ts';
import { listPayments } from './payments-list.service.ts';
import {
  intentCreateSchema,
  intentSchema,
  paymentIdParamsSchema,
  paymentListQuerySchema,
  paymentMethodCreateSchema,
  paymentMethodSchema,
  paymentSchema,
  refundCreateSchema,
  refundSchema,
} from './payments.schemas.ts';
import { refundPaymentAsStaff } from './refunds.service.ts';
import { z } from 'zod';

const tags = ['Payments'];

function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  return Array.isArray(header) ? header[0] : header;
}

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
          '3-D Secure answers `requires_action` with `next_action.redirect.url`.',
        body: intentCreateSchema,
        response: { 200: envelopeSchema(intentSchema) },
      },
      config: { access: { public: true, tenant: 'required' } },
    },
    async (request) =>
      ok(toIntentResponse(await createIntentForBooking(context, requireTenant(request), request.body, idempotencyKeyOf(request)))),
  );

  api.post(
    '/payments/:payment_id/refund',
    {
      schema: {
        tags,
        summary: 'Refund a payment in full or in part',
        description: 'Never more than paid minus already refunded: above that answers 400 `REFUND_EXCEEDS_PAYMENT`.',
        params: paymentIdParamsSchema,
        body: refundCreateSchema,
        response: { 201: envelopeSchema(refundSchema) },
      },
      config: { access: { permission: ['refund', 'Payment'] } },
    },
    async (request, reply) => {
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
      const page = await listPayments(context.db, requireTenant(request), request.query);
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
          '4000002500003155 needs 3-D Secure).',
        body: paymentMethodCreateSchema,
        response: { 201: envelopeSchema(paymentMethodSchema) },
      },
      config: { access: { public: true, tenant: 'required' } },
    },
    async (request, reply) =>
      reply.code(201).send(ok(toPaymentMethodView(await createPaymentMethod(context, requireTenant(request), request.body)))),
  );
}
