import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { browserLanguage, type MessageLanguage } from '../../platform/http/accept-language.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import { annotateAudit } from '../audit/index.ts';
import type { CustomerBookingsPort } from './customer-account-ports.ts';
import {
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
  savedPaymentMethodSchema,
  signInCodeRequestSchema,
  signInVerifySchema,
} from './customer-account.schemas.ts';
import type { CustomerAccountService } from './customer-account.service.ts';
import type { CustomerAuthService } from './customer-auth.service.ts';
import type { CustomerRequestContext } from './customer-context.ts';
import { customerCaller, requestContext } from './customer-account-caller.ts';
import { registerAccountBookingRoutes } from './customer-account-bookings.routes.ts';
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

    registerAccountBookingRoutes(scoped, services.bookings);

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
