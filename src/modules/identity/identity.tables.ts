import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type MembershipRole = 'business_admin' | 'manager' | 'receptionist' | 'staff' | 'customer' | 'custom';

export interface UsersTable {
  id: Generated<string>;
  email: string;
  first_name: string | null;
  last_name: string | null;
  email_verified_at: NullableTimestamp;
  status: ColumnType<'active' | 'disabled', 'active' | 'disabled' | undefined, 'active' | 'disabled'>;
  is_platform_admin: ColumnType<boolean, boolean | undefined, boolean>;
  /** Migration 0084: reads and exports the audit trail and GDPR requests of every business; changes nothing. */
  is_platform_auditor: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface UserCredentialsTable {
  user_id: string;
  password_hash: string;
  password_changed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** Legacy plaintext TOTP secret (before migration 0063); encrypted and cleared at start-up. */
  mfa_secret: string | null;
  /** Legacy plaintext pending secret; migration 0063 discarded them and nothing writes it. */
  mfa_pending_secret: string | null;
  /** The TOTP secret, encrypted with the platform key ring (bound to the user id). */
  mfa_secret_enc: ColumnType<string | null, string | null | undefined, string | null>;
  /** The secret of an enrolment not confirmed yet, encrypted like `mfa_secret_enc`. */
  mfa_pending_secret_enc: ColumnType<string | null, string | null | undefined, string | null>;
  /** RFC 6238 time step of the last TOTP code accepted at sign-in (replay protection). */
  mfa_last_step: ColumnType<number | null, number | null | undefined, number | null>;
  mfa_enabled_at: NullableTimestamp;
}

export interface MfaRecoveryCodesTable {
  user_id: string;
  code_hash: string;
  used_at: NullableTimestamp;
}

export interface RolesTable {
  tenant_id: string;
  id: Generated<string>;
  name: string;
  description: string | null;
  permissions: JSONColumnType<string[], string, string>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface MembershipsTable {
  tenant_id: string;
  user_id: string;
  role: MembershipRole;
  custom_role_id: string | null;
  status: ColumnType<'active' | 'deactivated', 'active' | 'deactivated' | undefined, 'active' | 'deactivated'>;
  /** Migration 0096: the locations a location-scoped member works at; null = every location. */
  location_ids: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  last_used_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SessionsTable {
  tenant_id: string;
  id: Generated<string>;
  /** The person of a staff or platform session; null for a customer's session. */
  user_id: string | null;
  /** The customer (of `tenant_id`) of a customer account's session; null for people (migration 0060). */
  customer_id: ColumnType<string | null, string | null | undefined, string | null>;
  mfa_verified: ColumnType<boolean, boolean | undefined, boolean>;
  impersonated_by: string | null;
  impersonation_reason: string | null;
  read_only: ColumnType<boolean, boolean | undefined, boolean>;
  ip: string | null;
  user_agent: string | null;
  created_at: CreatedAt;
  last_used_at: ColumnType<Date, Date | string | undefined, Date | string>;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
  revoked_reason: string | null;
}

export interface RefreshTokensTable {
  tenant_id: string;
  id: Generated<string>;
  session_id: string;
  token_hash: string;
  created_at: CreatedAt;
  rotated_at: NullableTimestamp;
  expires_at: Timestamp;
}

export interface ApiKeysTable {
  tenant_id: string;
  id: Generated<string>;
  name: string;
  prefix: string;
  key_hash: string;
  permissions: JSONColumnType<string[], string, string>;
  created_by: string | null;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  created_at: CreatedAt;
}

export type OneTimePurpose = 'email_verification' | 'password_reset' | 'invitation' | 'mfa_login';

export interface OneTimeTokensTable {
  id: Generated<string>;
  purpose: OneTimePurpose;
  token_hash: string;
  user_id: string | null;
  tenant_id: string | null;
  email: string | null;
  payload: JSONColumnType<Record<string, unknown>, string, string>;
  attempts: ColumnType<number, number | undefined, number>;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface LoginFailuresTable {
  id: Generated<number>;
  account: string;
  ip: string;
  created_at: CreatedAt;
}

export interface SigningKeysTable {
  kid: string;
  algorithm: string;
  public_jwk: JSONColumnType<Record<string, unknown>, string, string>;
  private_jwk: JSONColumnType<Record<string, unknown>, string, string>;
  created_at: CreatedAt;
  retired_at: NullableTimestamp;
  /** From when the key signs (the newest active key signs; all unretired keys verify). */
  active_from: CreatedAt;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    users: UsersTable;
    user_credentials: UserCredentialsTable;
    mfa_recovery_codes: MfaRecoveryCodesTable;
    roles: RolesTable;
    memberships: MembershipsTable;
    sessions: SessionsTable;
    refresh_tokens: RefreshTokensTable;
    api_keys: ApiKeysTable;
    one_time_tokens: OneTimeTokensTable;
    login_failures: LoginFailuresTable;
    signing_keys: SigningKeysTable;
  }
}
