import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { browserLanguage, type MessageLanguage } from '../../platform/http/accept-language.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { idempotencyKeyOf } from '../../platform/http/idempotency.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import { annotateAudit } from '../audit/index.ts';
import type { CustomerBookingsPort } from './customer-account-ports.ts';
import {
  accountBookingChangeSchema,
  accountBookingCreateSchema,
  accountBookingSchema,
  accountBookingsQuerySchema,
  accountConsentsSchema,
  accountPasswordSchema,
  accountProfileSchema,
  accountTokensSchema,
  accountUpdateSchema,
  bookingIdParamsSchema,
  codeSentSchema,
  passwordSignInSchema,
  phoneCodeRequestSchema,
  phoneVerifiedSchema,
  phoneVerifySchema,
  rebookSchema,
  savedPaymentMethodSchema,
  signInCodeRequestSchema,
  signInVerifySchema,
  type AccountBooking,
} from './customer-account.schemas.ts';
import type { CustomerAccountService } from './customer-account.service.ts';
import type { CustomerAuthService } from './customer-auth.service.ts';
import type { CustomerRequestContext } from './customer-context.ts';
import { exportToCsv } from './personal-data-export.service.ts';
import { deletionReportSchema, exportQuerySchema, userDataExportSchema } from './privacy.schemas.ts';

const SIGN_IN_TAGS = ['Customer accounts: sign-in'];
const ACCOUNT_TAGS = ['Customer accounts: my account'];
const onBookingPage = { access: { public: true, tenant: 'required' } } as const;
const signedIn = { access: { authenticated: true } } as const;

export interface CustomerAccountRouteServices {
  auth: CustomerAuthService;
  account: CustomerAccountService;
  bookings: CustomerBookingsPort;
}

/** The language of a code's message: asked for, else the browser's, else English. */
function languageOf(request: FastifyRequest, asked: MessageLanguage | undefined): MessageLanguage {
  return asked ?? browserLanguage(request.headers['accept-language']) ?? 'en';
}

/** Booking writes from the account are audited by ids and status only (notes may hold personal data). */
function auditBooking(request: FastifyRequest, action: string, booking: AccountBooking, extra: Record<string, unknown> = {}): void {
  annotateAudit(request, {
    skip: false,
    action,
    entityType: 'booking',
    entityId: booking.id,
    newValues: { booking_number: booking.booking_number, status: booking.status, service_id: booking.service.id, start_time: booking.start_time, ...extra },
  });
}

function requestContext(request: FastifyRequest, tenantId: string, auth: AuthContext | null): CustomerRequestContext {
  return {
    tenantId,
    auth,
    ip: request.ip,
    userAgent: request.headers['user-agent'] ?? null,
    requestId: request.id,
    accessReason: null,
  };
}

/**
 * The context of a sign-in request: the business the booking page names (X-Tenant or its
 * domain). A credential would name its own tenant instead and silently win, so none is accepted.
 */
function signInContext(request: FastifyRequest): CustomerRequestContext {
  if (request.auth) {
    throw new AppError('VALIDATION_ERROR', 'Signing in takes no credential: send only X-Tenant with the business', [
      { field: 'authorization', message: 'not accepted here' },
    ]);
  }
  return requestContext(request, requireTenant(request), null);
}

/**
 * The signed-in customer behind a `/me` request. Staff, API keys and anonymous callers are
 * refused: these endpoints always act on the credential's own customer.
 */
function customerCaller(request: FastifyRequest): { auth: AuthContext; customerId: string; context: CustomerRequestContext } {
  const auth = request.auth;
  if (!auth) throw new AppError('UNAUTHENTICATED', 'Sign in to your customer account');
  const customerId = auth.attributes.customerId;
  if (auth.actor.type !== 'customer' || typeof customerId !== 'string') {
    throw new AppError('FORBIDDEN', 'This endpoint is for customer accounts (sign in with POST /api/v1/customer-auth/verify); staff use /api/v1/customers');
  }
  return { auth, customerId, context: requestContext(request, auth.tenantId, auth) };
}

/**
 * Customer accounts: sign-in on the business's booking page (`/customer-auth/*`, the business
 * named by X-Tenant) and the signed-in customer's own account (`/me/*`). Token refresh and sign-out
 * are the shared `POST /auth/refresh` and `POST /auth/logout`.
 */
export function registerCustomerAccountRoutes(api: ApiRouter, services: CustomerAccountRouteServices): void {
  api.register(async (plain) => {
    const scoped = plain.withTypeProvider<ZodTypeProvider>();
    // These services write their own audit entries, free of personal data and codes; the generic
    // write hook would otherwise store request bodies (emails, codes, passwords) in clear.
    scoped.addHook('preHandler', async (request) => {
      if (request.method !== 'GET') annotateAudit(request, { skip: true });
    });

    scoped.post(
      '/customer-auth/code',
      {
        schema: {
          tags: SIGN_IN_TAGS,
          summary: 'Email a six-digit sign-in code (also how an account is created)',
          description:
            'Always 202, whether or not the email has an account. The code is valid 10 minutes for 5 attempts. ' +
            '429 TOO_MANY_CODES (Retry-After) past a send budget, shared with guest codes: per address 3 at once, then waits doubling ' +
            'from 30 s, at most 10 a day at this business; 30 an hour per IP; the business\'s hourly budget.',
          body: signInCodeRequestSchema,
          response: { 202: envelopeSchema(codeSentSchema) },
        },
        config: onBookingPage,
      },
      async (request, reply) => {
        const context = signInContext(request);
        const sent = await services.auth.requestCode(context, request.body, languageOf(request, request.body.language));
        return reply.code(202).send(ok(sent));
      },
    );

    scoped.post(
      '/customer-auth/verify',
      {
        schema: {
          tags: SIGN_IN_TAGS,
          summary: 'Sign in (or register) with the emailed code; answers tokens',
          description:
            'Registers on the first verification: a guest record with this email becomes the account, so its earlier ' +
            'bookings are the account\'s (RF5.7, `outcome: upgraded`); otherwise a new one is created (`first_name` needed). ' +
            '`new_password` sets or replaces the password at the same time. Wrong or expired code → 400 INVALID_CODE; ' +
            'too many attempts → 429. Refresh with POST /auth/refresh, sign out with POST /auth/logout.',
          body: signInVerifySchema,
          response: { 200: envelopeSchema(accountTokensSchema) },
        },
        config: onBookingPage,
      },
      async (request) => ok(await services.auth.verify(signInContext(request), request.body)),
    );

    scoped.post(
      '/customer-auth/login',
      {
        schema: {
          tags: SIGN_IN_TAGS,
          summary: 'Sign in with email and password',
          description: 'Failed attempts are throttled per account and per IP like staff sign-in: 429 with Retry-After.',
          body: passwordSignInSchema,
          response: { 200: envelopeSchema(accountTokensSchema) },
        },
        config: onBookingPage,
      },
      async (request) => ok(await services.auth.passwordSignIn(signInContext(request), request.body)),
    );

    scoped.get(
      '/me',
      { schema: { tags: ACCOUNT_TAGS, summary: 'My profile and preferences', response: { 200: envelopeSchema(accountProfileSchema) } }, config: signedIn },
      async (request) => {
        const caller = customerCaller(request);
        return ok(await services.account.profile(caller.context, caller.customerId));
      },
    );

    scoped.patch(
      '/me',
      {
        schema: {
          tags: ACCOUNT_TAGS,
          summary: 'Change my name, date of birth, preferences or marketing consent',
          description: 'Marketing consent is recorded (or withdrawn) as a consent record with source `customer_account`, IP and user agent.',
          body: accountUpdateSchema,
          response: { 200: envelopeSchema(accountProfileSchema) },
        },
        config: signedIn,
      },
      async (request) => {
        const caller = customerCaller(request);
        return ok(await services.account.update(caller.context, caller.customerId, request.body));
      },
    );

    scoped.delete(
      '/me',
      {
        schema: {
          tags: ACCOUNT_TAGS,
          summary: 'Close my account (GDPR Art. 17 erasure)',
          description:
            'Personal data is removed or anonymized everywhere (financial records kept as the law requires), the password ' +
            'and every session end. Answers the DeletionReport.',
          response: { 200: envelopeSchema(deletionReportSchema) },
        },
        config: signedIn,
      },
      async (request) => {
        const caller = customerCaller(request);
        return ok(await services.account.close(caller.context, caller.customerId));
      },
    );

    scoped.get(
      '/me/consents',
      { schema: { tags: ACCOUNT_TAGS, summary: 'My consent records', response: { 200: envelopeSchema(accountConsentsSchema) } }, config: signedIn },
      async (request) => {
        const caller = customerCaller(request);
        return ok(await services.account.consents(caller.context, caller.customerId));
      },
    );

    scoped.put(
      '/me/password',
      {
        schema: {
          tags: ACCOUNT_TAGS,
          summary: 'Set or change my password (ends my other sessions)',
          description: 'Changing needs `current_password`; a forgotten password is replaced by signing in with a code and `new_password`.',
          body: accountPasswordSchema,
          response: { 200: envelopeSchema(z.object({ other_sessions_revoked: z.int() })) },
        },
        config: signedIn,
      },
      async (request) => {
        const caller = customerCaller(request);
        return ok(await services.account.changePassword(caller.context, caller.customerId, caller.auth.sessionId, request.body));
      },
    );

    scoped.post(
      '/me/phone/code',
      {
        schema: {
          tags: ACCOUNT_TAGS,
          summary: 'Text a code to a phone I want to add',
          description: 'Same budgets as sign-in codes; only to the countries the business texts (422 SMS_COUNTRY_NOT_ALLOWED).',
          body: phoneCodeRequestSchema,
          response: { 202: envelopeSchema(codeSentSchema) },
        },
        config: signedIn,
      },
      async (request, reply) => {
        const caller = customerCaller(request);
        const sent = await services.account.requestPhoneCode(caller.context, caller.customerId, request.body, languageOf(request, request.body.language));
        return reply.code(202).send(ok(sent));
      },
    );

    scoped.post(
      '/me/phone/verify',
      {
        schema: {
          tags: ACCOUNT_TAGS,
          summary: 'Prove the phone with its code; guest bookings made with it join my account',
          description: 'Guest records holding the phone are merged into the account (RF5.7); another account holding it → 409 CONFLICT.',
          body: phoneVerifySchema,
          response: { 200: envelopeSchema(phoneVerifiedSchema) },
        },
        config: signedIn,
      },
      async (request) => {
        const caller = customerCaller(request);
        return ok(await services.account.verifyPhone(caller.context, caller.customerId, request.body));
      },
    );

    scoped.get(
      '/me/bookings',
      {
        schema: {
          tags: ACCOUNT_TAGS,
          summary: 'My bookings, upcoming or past',
          querystring: accountBookingsQuerySchema,
          response: { 200: envelopeSchema(z.array(accountBookingSchema)) },
        },
        config: signedIn,
      },
      async (request) => {
        const caller = customerCaller(request);
        const page = await services.bookings.list(caller.auth, request.query);
        return ok(page.items, page.pagination);
      },
    );

    scoped.post(
      '/me/bookings',
      {
        schema: {
          tags: ACCOUNT_TAGS,
          summary: 'Book as myself',
          description:
            'As POST /bookings, always for the signed-in customer: confirmed, or pending_payment with `payment` when a deposit ' +
            'is due (charged at once with `payment_method_id`). 409 SLOT_UNAVAILABLE when the time is taken.',
          body: accountBookingCreateSchema,
          response: { 201: envelopeSchema(accountBookingSchema) },
        },
        config: signedIn,
      },
      async (request, reply) => {
        const caller = customerCaller(request);
        const booking = await services.bookings.book(caller.auth, request.body, idempotencyKeyOf(request));
        auditBooking(request, 'customer_account.booking_created', booking);
        return reply.code(201).send(ok(booking));
      },
    );

    scoped.get(
      '/me/bookings/:id',
      {
        schema: {
          tags: ACCOUNT_TAGS,
          summary: 'One of my bookings, with its payments',
          params: bookingIdParamsSchema,
          response: { 200: envelopeSchema(accountBookingSchema) },
        },
        config: signedIn,
      },
      async (request) => {
        const caller = customerCaller(request);
        return ok(await services.bookings.get(caller.auth, request.params.id));
      },
    );

    scoped.patch(
      '/me/bookings/:id',
      {
        schema: {
          tags: ACCOUNT_TAGS,
          summary: 'Cancel or reschedule one of my bookings',
          description: 'The service\'s policy applies (422 POLICY_VIOLATION outside its window); cancel returns `refund` when money goes back.',
          params: bookingIdParamsSchema,
          body: accountBookingChangeSchema,
          response: { 200: envelopeSchema(accountBookingSchema) },
        },
        config: signedIn,
      },
      async (request) => {
        const caller = customerCaller(request);
        const booking = await services.bookings.change(caller.auth, request.params.id, request.body);
        auditBooking(request, `customer_account.booking_${request.body.action === 'cancel' ? 'cancelled' : 'rescheduled'}`, booking);
        return ok(booking);
      },
    );

    scoped.post(
      '/me/bookings/:id/rebook',
      {
        schema: {
          tags: ACCOUNT_TAGS,
          summary: 'Book the same service again (one-click rebooking)',
          description: 'A new booking of the booking\'s service for me at `start_time`, with the same resource unless `resource_id` names another.',
          params: bookingIdParamsSchema,
          body: rebookSchema,
          response: { 201: envelopeSchema(accountBookingSchema) },
        },
        config: signedIn,
      },
      async (request, reply) => {
        const caller = customerCaller(request);
        const booking = await services.bookings.rebook(caller.auth, request.params.id, request.body, idempotencyKeyOf(request));
        auditBooking(request, 'customer_account.booking_rebooked', booking, { rebooked_from: request.params.id });
        return reply.code(201).send(ok(booking));
      },
    );

    scoped.get(
      '/me/payment-methods',
      {
        schema: {
          tags: ACCOUNT_TAGS,
          summary: 'My saved payment methods (provider tokens only: brand, last 4 digits, expiry)',
          response: { 200: envelopeSchema(z.array(savedPaymentMethodSchema)) },
        },
        config: signedIn,
      },
      async (request) => {
        const caller = customerCaller(request);
        return ok(await services.account.paymentMethods(caller.context, caller.customerId));
      },
    );

    scoped.delete(
      '/me/payment-methods/:id',
      {
        schema: {
          tags: ACCOUNT_TAGS,
          summary: 'Remove a saved payment method (it is never charged again)',
          params: bookingIdParamsSchema,
          response: { 204: z.null() },
        },
        config: signedIn,
      },
      async (request, reply) => {
        const caller = customerCaller(request);
        await services.account.removePaymentMethod(caller.context, caller.customerId, request.params.id);
        return reply.code(204).send(null);
      },
    );

    scoped.get(
      '/me/export',
      {
        schema: {
          tags: ACCOUNT_TAGS,
          summary: 'Download everything held about me (GDPR Art. 15, 20)',
          description: '`format=json` answers the UserDataExport in the envelope; `format=csv` a CSV file (category,record,field,value). Audited.',
          querystring: exportQuerySchema,
          response: { 200: envelopeSchema(userDataExportSchema).or(z.string()) },
        },
        config: signedIn,
      },
      async (request, reply) => {
        const caller = customerCaller(request);
        const data = await services.account.exportData(caller.context, caller.customerId, request.query.format);
        reply.header('cache-control', 'no-store');
        if (request.query.format === 'csv') {
          return reply
            .header('content-type', 'text/csv; charset=utf-8')
            .header('content-disposition', 'attachment; filename="my-data.csv"')
            .send(exportToCsv(data));
        }
        return reply.send(ok(data));
      },
    );
  });
}
