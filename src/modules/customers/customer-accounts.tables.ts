import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** `customer_credentials` (migration 0060): a customer's optional password, argon2id hash only. */
export interface CustomerCredentialsTable {
  tenant_id: string;
  customer_id: string;
  password_hash: string;
  password_changed_at: Timestamp;
  created_at: Timestamp;
}

export type AccountCodePurpose = 'sign_in' | 'phone_verification';

/** `customer_account_codes` (migration 0060): one-time codes, keyed hashes only. */
export interface CustomerAccountCodesTable {
  tenant_id: string;
  id: Generated<string>;
  purpose: AccountCodePurpose;
  /** The customers module's blind index of the email (sign in) or phone (phone verification). */
  destination_bidx: string;
  customer_id: string | null;
  code_hash: string;
  ip_hash: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: Timestamp;
}

export type CustomerCredentialRow = Selectable<CustomerCredentialsTable>;
export type CustomerAccountCodeRow = Selectable<CustomerAccountCodesTable>;

declare module '../../platform/db/database.ts' {
  interface Database {
    customer_credentials: CustomerCredentialsTable;
    customer_account_codes: CustomerAccountCodesTable;
  }
}
