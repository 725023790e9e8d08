import { z } from 'zod';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { annotateAudit } from '../audit/index.ts';
import { tenantSchema } from '../tenancy/index.ts';
import {
  changePasswordBodySchema,
  loginBodySchema,
  loginResponseSchema,
  meSchema,
  mfaEnableBodySchema,
  newBusinessBodySchema,
  mfaVerifyBodySchema,
  passwordConfirmBodySchema,
  passwordResetConfirmSchema,
  passwordResetRequestSchema,
  refreshBodySchema,
  sessionIdParams,
  sessionSchema,
  signupAcceptedSchema,
  signupBodySchema,
  signupResponseSchema,
  switchTenantBodySchema,
  tokensSchema,
  userSchema,
  verifyEmailBodySchema,
} from './auth.schemas.ts';
import type { AccountRecoveryService } from './account-recovery.service.ts';
import type { AuthService } from './auth.service.ts';
import { callerOf, requestMeta } from './http-context.ts';
import type { MfaService } from './mfa.service.ts';
import type { SignupService } from './signup.service.ts';

const tags = ['Authentication'];
const anyone = { access: { public: true, tenant: 'none' } } as const;
const signedIn = { access: { authenticated: true } } as const;

export function registerAuthRoutes(
  api: ApiRouter,
  services: { auth: AuthService; mfa: MfaService; signup: SignupService; recovery: AccountRecoveryService },
): void {
  const { auth, mfa, signup, recovery } = services;

  api.post(
    '/auth/signup',
    {
      config: anyone,
      schema: {
        tags,
        summary: 'Create a business account: tenant, owner (business_admin) and first business, atomically',
        description:
          'For a new e-mail address: 201 with the account, signed in. For an address that already has an account: 202 ' +
          '`{status: "check_email"}` whatever the password, nothing created, and an e-mail to the address telling its ' +
          'owner to sign in and add the business there (POST /auth/businesses). Each such attempt counts as a failed ' +
          'sign-in for the account and the IP (429 once throttled).',
        body: signupBodySchema,
        response: { 201: envelopeSchema(signupResponseSchema), 202: envelopeSchema(signupAcceptedSchema) },
      },
    },
    async (request, reply) => {
      const outcome = await signup.signup(request.body, requestMeta(request));
      annotateAudit(request, { skip: true });
      if (!outcome.created) return reply.code(202).send(ok({ status: 'check_email' as const }));
      return reply.code(201).send(ok(outcome.result));
    },
  );

  api.post(
    '/auth/businesses',
    {
      config: signedIn,
      schema: {
        tags,
        summary: 'Open another business with your account: you become its business admin and get a session in it',
        description: 'Needs a session of the person (not an API key nor an impersonation) that passed the second factor when MFA is on.',
        body: newBusinessBodySchema,
        response: { 201: envelopeSchema(signupResponseSchema) },
      },
    },
    async (request, reply) => {
      const result = await signup.addBusiness(callerOf(request), request.body, requestMeta(request));
      annotateAudit(request, { skip: true });
      return reply.code(201).send(ok(result));
    },
  );

  api.post(
    '/auth/login',
    {
      config: anyone,
      schema: {
        tags,
        summary: 'Sign in; answers tokens, or `mfa_required` with an `mfa_token` for POST /auth/mfa/verify',
        description:
          'Without `tenant_slug` the most recently used membership is chosen. Failed attempts are throttled per ' +
          'account (10 per 15 min) and per IP (50 per 15 min): 429 with Retry-After.',
        body: loginBodySchema,
        response: { 200: envelopeSchema(loginResponseSchema) },
      },
    },
    async (request) => {
      annotateAudit(request, { skip: true });
      return ok(await auth.login(request.body, requestMeta(request)));
    },
  );

  api.post(
    '/auth/mfa/verify',
    {
      config: anyone,
      schema: { tags, summary: 'Second step of sign-in: TOTP or recovery code', body: mfaVerifyBodySchema, response: { 200: envelopeSchema(tokensSchema) } },
    },
    async (request) => {
      annotateAudit(request, { skip: true });
      return ok(await auth.verifyMfaLogin(request.body, requestMeta(request)));
    },
  );

  api.post(
    '/auth/refresh',
    {
      config: anyone,
      schema: {
        tags,
        summary: 'Rotate a refresh token; reusing a rotated one revokes the whole session',
        body: refreshBodySchema,
        response: { 200: envelopeSchema(tokensSchema) },
      },
    },
    async (request) => {
      annotateAudit(request, { skip: true });
      return ok(await auth.refresh(request.body.refresh_token, requestMeta(request)));
    },
  );

  api.post(
    '/auth/logout',
    { config: signedIn, schema: { tags, summary: 'End the current session', response: { 204: z.null() } } },
    async (request, reply) => {
      await auth.logout(callerOf(request), requestMeta(request));
      annotateAudit(request, { skip: true });
      return reply.code(204).send(null);
    },
  );

  api.post(
    '/auth/switch-tenant',
    {
      config: signedIn,
      schema: {
        tags,
        summary: 'Get tokens for another business the user belongs to',
        body: switchTenantBodySchema,
        response: { 200: envelopeSchema(tokensSchema.extend({ tenant: tenantSchema.nullable() })) },
      },
    },
    async (request) => {
      annotateAudit(request, { skip: true });
      return ok(await auth.switchTenant(callerOf(request), request.body, requestMeta(request)));
    },
  );

  api.get(
    '/auth/me',
    { config: signedIn, schema: { tags, summary: 'Who is calling: user, tenant, role, permissions', response: { 200: envelopeSchema(meSchema) } } },
    async (request) => ok(await auth.me(callerOf(request))),
  );

  api.get(
    '/auth/sessions',
    { config: signedIn, schema: { tags, summary: "The caller's live sessions in this business", response: { 200: envelopeSchema(z.array(sessionSchema)) } } },
    async (request) => ok(await auth.listSessions(callerOf(request))),
  );

  api.delete(
    '/auth/sessions/:id',
    { config: signedIn, schema: { tags, summary: 'Revoke one of your sessions', params: sessionIdParams, response: { 204: z.null() } } },
    async (request, reply) => {
      await auth.revokeSession(callerOf(request), request.params.id, requestMeta(request));
      annotateAudit(request, { skip: true });
      return reply.code(204).send(null);
    },
  );

  api.post(
    '/auth/password',
    {
      config: signedIn,
      schema: {
        tags,
        summary: 'Change password (revokes your other sessions)',
        body: changePasswordBodySchema,
        response: { 200: envelopeSchema(z.object({ other_sessions_revoked: z.number().int() })) },
      },
    },
    async (request) => {
      annotateAudit(request, { skip: true });
      return ok(await auth.changePassword(callerOf(request), request.body, requestMeta(request)));
    },
  );

  api.post(
    '/auth/password-reset',
    {
      config: anyone,
      schema: {
        tags,
        summary: 'Send a password reset link (same answer, in the same time, whether or not the account exists)',
        body: passwordResetRequestSchema,
        response: { 202: envelopeSchema(z.object({ sent: z.literal(true) })) },
      },
    },
    async (request, reply) => {
      await recovery.requestPasswordReset(request.body.email);
      annotateAudit(request, { skip: true });
      return reply.code(202).send(ok({ sent: true as const }));
    },
  );

  api.post(
    '/auth/password-reset/confirm',
    {
      config: anyone,
      schema: {
        tags,
        summary: 'Set a new password with a reset token (ends every session)',
        body: passwordResetConfirmSchema,
        response: { 200: envelopeSchema(z.object({ reset: z.literal(true) })) },
      },
    },
    async (request) => {
      await recovery.resetPassword(request.body, requestMeta(request));
      annotateAudit(request, { skip: true });
      return ok({ reset: true as const });
    },
  );

  api.post(
    '/auth/verify-email',
    { config: anyone, schema: { tags, summary: 'Confirm an e-mail address', body: verifyEmailBodySchema, response: { 200: envelopeSchema(userSchema) } } },
    async (request) => {
      annotateAudit(request, { skip: true });
      return ok(await recovery.verifyEmail(request.body.token));
    },
  );

  api.post(
    '/auth/verify-email/resend',
    { config: signedIn, schema: { tags, summary: 'Send the verification e-mail again', response: { 202: envelopeSchema(z.object({ sent: z.literal(true) })) } } },
    async (request, reply) => {
      await recovery.resendVerification(callerOf(request));
      return reply.code(202).send(ok({ sent: true as const }));
    },
  );

  api.post(
    '/auth/mfa/enroll',
    {
      config: signedIn,
      schema: {
        tags,
        summary: 'Start TOTP enrolment: secret and otpauth:// URI (for a QR code)',
        response: { 200: envelopeSchema(z.object({ secret: z.string(), otpauth_uri: z.string() })) },
      },
    },
    async (request) => {
      annotateAudit(request, { action: 'auth.mfa_enrollment_started', newValues: {} });
      return ok(await mfa.enroll(callerOf(request)));
    },
  );

  api.post(
    '/auth/mfa/enable',
    {
      config: signedIn,
      schema: {
        tags,
        summary: 'Confirm enrolment with a code; answers the recovery codes once',
        body: mfaEnableBodySchema,
        response: { 200: envelopeSchema(z.object({ enabled: z.boolean(), recovery_codes: z.array(z.string()) })) },
      },
    },
    async (request) => {
      annotateAudit(request, { skip: true });
      return ok(await mfa.enable(callerOf(request), request.body.code, requestMeta(request)));
    },
  );

  api.post(
    '/auth/mfa/disable',
    {
      config: signedIn,
      schema: { tags, summary: 'Turn TOTP off (needs the password)', body: passwordConfirmBodySchema, response: { 200: envelopeSchema(z.object({ enabled: z.boolean() })) } },
    },
    async (request) => {
      annotateAudit(request, { skip: true });
      return ok(await mfa.disable(callerOf(request), request.body.password, requestMeta(request)));
    },
  );

  api.post(
    '/auth/mfa/recovery-codes',
    {
      config: signedIn,
      schema: {
        tags,
        summary: 'Replace the recovery codes (needs the password)',
        body: passwordConfirmBodySchema,
        response: { 200: envelopeSchema(z.object({ recovery_codes: z.array(z.string()) })) },
      },
    },
    async (request) => {
      annotateAudit(request, { skip: true });
      return ok(await mfa.regenerateRecoveryCodes(callerOf(request), request.body.password, requestMeta(request)));
    },
  );
}
