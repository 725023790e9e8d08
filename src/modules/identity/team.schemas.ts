import { z } from 'zod';
import { pageQuerySchema } from '../../platform/http/pagination.ts';
import { limitsSchema, tenantSchema, usageSchema } from '../tenancy/index.ts';
import { emailSchema, passwordSchema, tokensSchema } from './auth.schemas.ts';
import { TENANT_ROLES } from './permissions.ts';

export const idParams = z.object({ id: z.string().uuid() });
const assignableRole = z.enum([...TENANT_ROLES, 'custom']);
const locationIdList = z
  .array(z.string().uuid())
  .min(1)
  .max(200)
  .nullable()
  .describe('The locations a manager, receptionist or custom role works at (null: every location; the owner is never scoped)');
const permissionList = z.array(z.string().min(3).max(60)).max(200).describe('Permissions as "action:Subject", e.g. "read:Booking"');

export const memberSchema = z.object({
  id: z.string(),
  email: z.string(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  email_verified: z.boolean(),
  role: z.string(),
  custom_role_id: z.string().nullable(),
  location_ids: z.array(z.string()).nullable().describe('Null: every location'),
  status: z.string(),
  last_active_at: z.string().nullable(),
  joined_at: z.string(),
});

export const usersQuerySchema = pageQuerySchema;

export const invitationBodySchema = z.object({
  email: emailSchema,
  role: assignableRole,
  custom_role_id: z.string().uuid().nullable().optional(),
  location_ids: locationIdList.optional(),
});

export const invitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: z.string(),
  custom_role_id: z.string().nullable(),
  location_ids: z.array(z.string()).nullable().describe('Null: every location'),
  expires_at: z.string(),
});

export const acceptInvitationBodySchema = z.object({
  token: z.string().min(1).max(200),
  password: passwordSchema,
  first_name: z.string().trim().min(1).max(100).optional(),
  last_name: z.string().trim().min(1).max(100).optional(),
});

const joinedSchema = z.object({ tenant: tenantSchema.nullable(), user_id: z.string(), role: z.string() });

/** Signed in at once, unless the person has a second factor on: then they sign in as usual (password, then code). */
export const acceptInvitationResponseSchema = z.union([
  joinedSchema.extend(tokensSchema.shape).extend({ mfa_required: z.literal(false) }),
  joinedSchema.extend({ mfa_required: z.literal(true) }),
]);

export const userPatchSchema = z
  .object({
    role: assignableRole.optional(),
    custom_role_id: z.string().uuid().nullable().optional(),
    location_ids: locationIdList.optional(),
    status: z.enum(['active', 'deactivated']).optional(),
  })
  .strict();

export const roleSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  permissions: z.array(z.string()),
  is_system_role: z.boolean(),
  created_at: z.string().nullable(),
  updated_at: z.string().nullable(),
});

export const roleBodySchema = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(500).nullable().optional(),
  permissions: permissionList,
});
export const rolePatchSchema = roleBodySchema.partial().strict();

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  permissions: z.array(z.string()),
  created_by: z.string().nullable(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  created_at: z.string(),
});
export const createdApiKeySchema = apiKeySchema.extend({ key: z.string().describe('Shown once; store it now') });
export const apiKeyBodySchema = z.object({ name: z.string().trim().min(1).max(100), permissions: permissionList.optional() });

export const platformTenantsQuerySchema = pageQuerySchema.extend({
  search: z.string().trim().min(1).max(100).optional(),
  status: z.enum(['active', 'suspended', 'cancelled']).optional(),
});
export const suspendBodySchema = z.object({ reason: z.string().trim().min(3).max(500) });
export const planChangeBodySchema = z.object({ plan_id: z.string().min(1).max(50) });
export const maintenanceBodySchema = z.object({
  enabled: z.boolean(),
  message: z.string().trim().max(500).nullable().optional(),
  tenant_id: z.string().uuid().optional().describe('Omit for platform-wide maintenance'),
});
export const maintenanceSchema = z.object({
  scope: z.enum(['platform', 'tenant']),
  tenant_id: z.string().optional(),
  enabled: z.boolean(),
  message: z.string().nullable(),
});
export const impersonationBodySchema = z.object({
  tenant_id: z.string().uuid(),
  reason: z.string().trim().min(10).max(500).describe('Why support needs access (mandatory, audited)'),
  user_id: z.string().uuid().optional().describe('Member to act as; default the first business admin'),
  read_only: z.boolean().default(true),
  duration_minutes: z.number().int().min(1).max(60).default(30),
});
export const impersonationSchema = tokensSchema.extend({
  tenant_id: z.string(),
  user_id: z.string(),
  read_only: z.boolean(),
  session_expires_at: z.string(),
});
export { limitsSchema, tenantSchema, usageSchema };
