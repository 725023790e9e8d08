import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

export type WebhookEndpointStatus = 'enabled' | 'disabled';
export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** `webhook_endpoints` (migration 0051). Secrets are stored encrypted (`_enc`). */
export interface WebhookEndpointsTable {
  tenant_id: string;
  id: Generated<string>;
  url: string;
  description: string | null;
  events: ColumnType<string[], string[], string[]>;
  secret_enc: string;
  previous_secret_enc: string | null;
  previous_secret_expires_at: NullableTimestamp;
  status: Generated<WebhookEndpointStatus>;
  disabled_reason: string | null;
  disabled_at: NullableTimestamp;
  failing_since: NullableTimestamp;
  last_success_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: NullableTimestamp;
}

/** `webhook_deliveries` (migration 0051): one per endpoint and event. */
export interface WebhookDeliveriesTable {
  tenant_id: string;
  id: Generated<string>;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  payload: string;
  status: Generated<WebhookDeliveryStatus>;
  attempts: Generated<number>;
  replays: Generated<number>;
  next_attempt_at: NullableTimestamp;
  last_attempt_at: NullableTimestamp;
  last_response_status: number | null;
  last_error: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** `webhook_delivery_attempts` (migration 0051): what was sent and what came back. */
export interface WebhookDeliveryAttemptsTable {
  tenant_id: string;
  id: Generated<string>;
  delivery_id: string;
  attempt: number;
  started_at: Timestamp;
  duration_ms: number;
  request_url: string;
  request_headers: Json<Record<string, string>>;
  response_status: number | null;
  response_headers: ColumnType<Record<string, string> | null, string | null, string | null>;
  response_body: string | null;
  error: string | null;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    webhook_endpoints: WebhookEndpointsTable;
    webhook_deliveries: WebhookDeliveriesTable;
    webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
  }
}
