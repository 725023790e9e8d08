import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type CustomerType = 'registered' | 'guest';
export type CustomerStatus = 'active' | 'inactive' | 'banned';

/** Stored preferences (plain JSON: ids and choices, never contact data). */
export interface CustomerPreferences {
  language?: string;
  preferred_resource_ids?: string[];
  preferred_times?: Array<{ days?: number[]; start: string; end: string }>;
  favourite_service_ids?: string[];
}

/** `customers` (migration 0020). Columns ending in `_enc` hold ciphertexts, `_bidx` blind indexes. */
export interface CustomersTable {
  tenant_id: string;
  id: Generated<string>;
  type: CustomerType;
  status: Generated<CustomerStatus>;
  first_name_enc: string | null;
  last_name_enc: string | null;
  email_enc: string | null;
  phone_enc: string | null;
  date_of_birth_enc: string | null;
  notes_enc: string | null;
  email_bidx: string | null;
  phone_bidx: string | null;
  name_tokens: ColumnType<string[], string[] | undefined, string[]>;
  key_id: string | null;
  preferences: ColumnType<CustomerPreferences, string | undefined, string>;
  marketing_consent: Generated<boolean>;
  email_verified_at: NullableTimestamp;
  phone_verified_at: NullableTimestamp;
  last_activity_at: Timestamp;
  merged_into_id: string | null;
  merged_at: NullableTimestamp;
  erased_at: NullableTimestamp;
  /**
   * A guest record made by a public booking whose email or phone was already a customer's
   * and was not proved (migration 0070): it holds what the form sent, outside the
   * uniqueness of emails and phones, and is never matched to by contact.
   */
  contact_unproven: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type ConsentType = 'marketing' | 'analytics' | 'functional' | 'terms' | 'privacy_policy';
export type LegalBasis =
  | 'consent'
  | 'contract'
  | 'legal_obligation'
  | 'vital_interests'
  | 'public_task'
  | 'legitimate_interest';

/** `consent_records` (migration 0020). */
export interface ConsentRecordsTable {
  tenant_id: string;
  id: Generated<string>;
  customer_id: string;
  consent_type: ConsentType;
  purpose: string;
  legal_basis: LegalBasis;
  source: string;
  text_version: string | null;
  ip_address_enc: string | null;
  user_agent_enc: string | null;
  key_id: string | null;
  granted_at: Timestamp;
  withdrawn_at: NullableTimestamp;
  withdrawal_source: string | null;
  created_at: Timestamp;
}

export type CustomerRow = Selectable<CustomersTable>;
export type ConsentRecordRow = Selectable<ConsentRecordsTable>;

declare module '../../platform/db/database.ts' {
  interface Database {
    customers: CustomersTable;
    consent_records: ConsentRecordsTable;
  }
}
