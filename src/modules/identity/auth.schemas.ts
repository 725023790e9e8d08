import { z } from 'zod';
import { businessSchema, currencySchema, tenantSchema, timezoneSchema } from '../tenancy/index.ts';
import { PASSWORD_MAX_LENGTH } from './passwords.ts';

const RESERVED_SLUGS = new Set(['api', 'www', 'app', 'admin', 'platform', 'docs', 'static', 'assets', 'health', 'ready', 'metrics']);

export const emailSchema = z.string().trim().toLowerCase().email().max(254);
/** Length and breach checks run in the service so the message can be specific; this only bounds input. */
export const passwordSchema = z.string().min(1).max(PASSWORD_MAX_LENGTH * 4);
export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lower-case letters, digits and hyphens, 1 to 63 characters')
  .refine((slug) => !RESERVED_SLUGS.has(slug), { message: 'this slug is reserved' });

/** A new business: what sign-up and POST /auth/businesses (a signed-in person adding one) take. */
export const newBusinessBodySchema = z.object({
  tenant_name: z.string().trim().min(1).max(255),
  tenant_slug: slugSchema.optional(),
  plan_id: z.string().min(1).max(50).optional(),
  timezone: timezoneSchema.optional(),
  currency: currencySchema.optional(),
});

export const signupBodySchema = newBusinessBodySchema.extend({
  email: emailSchema,
  password: passwordSchema,
  first_name: z.string().trim().min(1).max(100).optional(),
  last_name: z.string().trim().min(1).max(100).optional(),
});

/**
 * Sign-up's answer when the address already has an account, whatever the password: nothing is
 * created and nobody is signed in; the owner of the address gets an e-mail about the attempt.
 */
export const signupAcceptedSchema = z.object({ status: z.literal('check_email') });

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  email_verified: z.boolean(),
  created_at: z.string(),
});

export const tokensSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  session_id: z.string(),
});

export const signupResponseSchema = tokensSchema.extend({ tenant: tenantSchema, business: businessSchema, user: userSchema });

export const loginBodySchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  tenant_slug: slugSchema.optional(),
});

export const loginResponseSchema = z.union([
  tokensSchema.extend({ mfa_required: z.literal(false) }),
  z.object({ mfa_required: z.literal(true), mfa_token: z.string(), expires_in: z.number().int() }),
]);

export const mfaVerifyBodySchema = z.object({
  mfa_token: z.string().min(1).max(200),
  code: z.string().trim().min(6).max(20).describe('6-digit TOTP code or a recovery code'),
});

export const refreshBodySchema = z.object({ refresh_token: z.string().min(1).max(200) });

export const switchTenantBodySchema = z
  .object({ tenant_slug: slugSchema.optional(), tenant_id: z.string().uuid().optional() })
  .refine((body) => body.tenant_slug !== undefined || body.tenant_id !== undefined, { message: 'name tenant_slug or tenant_id' });

export const sessionIdParams = z.object({ id: z.string().uuid() });

export const sessionSchema = z.object({
  id: z.string(),
  current: z.boolean(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  mfa_verified: z.boolean(),
  impersonated_by: z.string().nullable(),
  created_at: z.string(),
  last_used_at: z.string(),
  expires_at: z.string(),
});

export const meSchema = z.object({
  user: userSchema.nullable(),
  tenant: tenantSchema.nullable(),
  role: z.string(),
  permissions: z.array(z.string()),
  memberships: z.array(z.object({ tenant_id: z.string(), tenant_slug: z.string(), tenant_name: z.string(), role: z.string() })),
  session_id: z.string().nullable(),
  actor: z.object({ type: z.string(), id: z.string() }),
  impersonated_by: z.string().nullable(),
  read_only: z.boolean(),
  mfa_enabled: z.boolean(),
  mfa_enrollment_required: z.boolean(),
});

export const changePasswordBodySchema = z.object({ current_password: passwordSchema, new_password: passwordSchema });
export const passwordResetRequestSchema = z.object({ email: emailSchema });
export const passwordResetConfirmSchema = z.object({ token: z.string().min(1).max(200), new_password: passwordSchema });
export const verifyEmailBodySchema = z.object({ token: z.string().min(1).max(200) });

export const mfaEnableBodySchema = z.object({ code: z.string().trim().regex(/^\d{6}$/, 'a 6-digit code') });
export const passwordConfirmBodySchema = z.object({ password: passwordSchema });
