import { z } from 'zod';

export const consentTypeSchema = z.enum(['marketing', 'analytics', 'functional', 'terms', 'privacy_policy']);
export const legalBasisSchema = z.enum([
  'consent',
  'contract',
  'legal_obligation',
  'vital_interests',
  'public_task',
  'legitimate_interest',
]);
const sourceSchema = z.string().regex(/^[a-z][a-z0-9_]{1,49}$/, 'a short snake_case label such as "booking_flow"');

export const grantConsentBodySchema = z
  .object({
    consent_type: consentTypeSchema,
    purpose: z.string().trim().min(3).max(500).describe('What the data is used for, as shown to the customer.'),
    legal_basis: legalBasisSchema.default('consent'),
    source: sourceSchema.default('staff').describe('Where the consent was given: booking_flow, registration_form, staff, ...'),
    text_version: z.string().trim().min(1).max(100).optional().describe('Version of the consent text the customer saw.'),
  })
  .strict();
export type GrantConsentBody = z.infer<typeof grantConsentBodySchema>;

export const withdrawConsentBodySchema = z.object({ source: sourceSchema.default('staff') }).strict();

export const consentParamsSchema = z.object({ id: z.uuid(), consent_id: z.uuid() });

export const consentSchema = z.object({
  id: z.uuid(),
  customer_id: z.uuid(),
  consent_type: consentTypeSchema,
  purpose: z.string(),
  legal_basis: legalBasisSchema,
  source: z.string(),
  text_version: z.string().nullable(),
  ip_address: z.string().nullable(),
  user_agent: z.string().nullable(),
  granted_at: z.string(),
  withdrawn_at: z.string().nullable(),
  withdrawal_source: z.string().nullable(),
  active: z.boolean(),
});
export type ConsentView = z.infer<typeof consentSchema>;
