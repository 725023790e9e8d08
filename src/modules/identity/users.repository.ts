import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { MembershipRole, MembershipsTable, UsersTable } from './identity.tables.ts';
import './identity.tables.ts';

export type UserRow = Selectable<UsersTable>;
export type MembershipRow = Selectable<MembershipsTable>;

export async function findUserByEmail(executor: Executor, email: string): Promise<UserRow | undefined> {
  return executor.selectFrom('users').selectAll().where(sql<string>`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();
}

export async function findUserById(executor: Executor, userId: string): Promise<UserRow | undefined> {
  return executor.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
}

export async function insertUser(
  executor: Executor,
  values: { email: string; firstName: string | null; lastName: string | null; isPlatformAdmin?: boolean; isPlatformAuditor?: boolean },
): Promise<UserRow> {
  return executor
    .insertInto('users')
    .values({
      email: values.email,
      first_name: values.firstName,
      last_name: values.lastName,
      is_platform_admin: values.isPlatformAdmin ?? false,
      is_platform_auditor: values.isPlatformAuditor ?? false,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function markEmailVerified(executor: Executor, userId: string): Promise<void> {
  await executor
    .updateTable('users')
    .set({ email_verified_at: new Date(), updated_at: new Date() })
    .where('id', '=', userId)
    .where('email_verified_at', 'is', null)
    .execute();
}

export async function insertCredentials(executor: Executor, userId: string, passwordHash: string): Promise<void> {
  await executor.insertInto('user_credentials').values({ user_id: userId, password_hash: passwordHash, mfa_secret: null, mfa_pending_secret: null }).execute();
}

export async function findCredentials(executor: Executor, userId: string) {
  return executor.selectFrom('user_credentials').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export async function updatePasswordHash(executor: Executor, userId: string, passwordHash: string): Promise<void> {
  await executor
    .updateTable('user_credentials')
    .set({ password_hash: passwordHash, password_changed_at: new Date() })
    .where('user_id', '=', userId)
    .execute();
}

export async function replaceRecoveryCodes(executor: Executor, userId: string, codeHashes: string[]): Promise<void> {
  await executor.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
  if (codeHashes.length > 0) {
    await executor
      .insertInto('mfa_recovery_codes')
      .values(codeHashes.map((code_hash) => ({ user_id: userId, code_hash })))
      .execute();
  }
}

/** Marks a recovery code used; true when it existed and was unused (single use, race-free). */
export async function consumeRecoveryCode(executor: Executor, userId: string, codeHash: string): Promise<boolean> {
  const result = await executor
    .updateTable('mfa_recovery_codes')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertMembership(
  executor: Executor,
  values: { tenantId: string; userId: string; role: MembershipRole; customRoleId: string | null; locationIds?: string[] | null },
): Promise<MembershipRow> {
  return executor
    .insertInto('memberships')
    .values({
      tenant_id: values.tenantId,
      user_id: values.userId,
      role: values.role,
      custom_role_id: values.customRoleId,
      location_ids: values.locationIds ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findMembership(executor: Executor, tenantId: string, userId: string): Promise<MembershipRow | undefined> {
  return executor
    .selectFrom('memberships')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** A user's active memberships with their tenant's slug and status, most recently used first. */
export async function activeMembershipsOfUser(executor: Executor, userId: string) {
  return executor
    .selectFrom('memberships')
    .innerJoin('tenants', 'tenants.id', 'memberships.tenant_id')
    .select([
      'memberships.tenant_id',
      'memberships.role',
      'memberships.custom_role_id',
      'memberships.last_used_at',
      'memberships.created_at',
      'tenants.slug as tenant_slug',
      'tenants.name as tenant_name',
      'tenants.status as tenant_status',
    ])
    .where('memberships.user_id', '=', userId)
    .where('memberships.status', '=', 'active')
    .orderBy(sql`memberships.last_used_at desc nulls last`)
    .orderBy('memberships.created_at', 'desc')
    .execute();
}

export async function touchMembership(executor: Executor, tenantId: string, userId: string): Promise<void> {
  await executor
    .updateTable('memberships')
    .set({ last_used_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .execute();
}

export async function updateMembership(
  executor: Executor,
  tenantId: string,
  userId: string,
  patch: { role?: MembershipRole; customRoleId?: string | null; locationIds?: string[] | null; status?: 'active' | 'deactivated' },
): Promise<MembershipRow | undefined> {
  return executor
    .updateTable('memberships')
    .set({
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.customRoleId !== undefined ? { custom_role_id: patch.customRoleId } : {}),
      ...(patch.locationIds !== undefined ? { location_ids: patch.locationIds } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .returningAll()
    .executeTakeFirst();
}

export async function countActiveMembers(executor: Executor, tenantId: string, role?: MembershipRole): Promise<number> {
  const row = await executor
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'active')
    // Customers with accounts are not seats of the plan.
    .where('role', '<>', 'customer')
    .$if(role !== undefined, (q) => q.where('role', '=', role ?? 'business_admin'))
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

export interface MemberListOptions {
  after?: { email: string; id: string } | undefined;
  limit: number;
}

/** Members of a tenant with their profile, ordered by e-mail. */
export async function listMembers(executor: Executor, tenantId: string, options: MemberListOptions) {
  return executor
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'users.id',
      'users.email',
      'users.first_name',
      'users.last_name',
      'users.email_verified_at',
      'memberships.role',
      'memberships.custom_role_id',
      'memberships.location_ids',
      'memberships.status',
      'memberships.last_used_at',
      'memberships.created_at',
    ])
    .where('memberships.tenant_id', '=', tenantId)
    .$if(options.after !== undefined, (q) =>
      q.where(sql<boolean>`(lower(users.email), users.id) > (${options.after?.email ?? ''}, ${options.after?.id ?? ''}::uuid)`),
    )
    .orderBy(sql`lower(users.email)`)
    .orderBy('users.id')
    .limit(options.limit + 1)
    .execute();
}

export async function findMember(executor: Executor, tenantId: string, userId: string) {
  return executor
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'users.id',
      'users.email',
      'users.first_name',
      'users.last_name',
      'users.email_verified_at',
      'memberships.role',
      'memberships.custom_role_id',
      'memberships.location_ids',
      'memberships.status',
      'memberships.last_used_at',
      'memberships.created_at',
    ])
    .where('memberships.tenant_id', '=', tenantId)
    .where('memberships.user_id', '=', userId)
    .executeTakeFirst();
}
