import type { ColumnType, Generated, JSONColumnType } from 'kysely';

export type AuditActorType = 'user' | 'api_key' | 'customer' | 'system' | 'anonymous';

export interface AuditLogsTable {
  tenant_id: string;
  id: Generated<string>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  actor_type: AuditActorType;
  actor_id: string | null;
  user_id: string | null;
  impersonated_by: string | null;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  old_values: ColumnType<unknown, string | null, never>;
  new_values: ColumnType<unknown, string | null, never>;
  metadata: JSONColumnType<Record<string, unknown>, string, never>;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    audit_logs: AuditLogsTable;
  }
}
