import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { notFound } from '../../platform/http/errors.ts';
import { resourcesWithoutSchedule } from '../scheduling/index.ts';
import { servicesWithoutResources } from '../catalog/index.ts';
import { failedPaymentsSince } from '../payments/index.ts';
import { failingWebhookEndpoints, latestFailedDeliveries } from '../webhooks/index.ts';
import { latestUndeliveredMessages, undeliveredMessagesSince } from '../notifications/index.ts';
import { getTenant, PLATFORM_TENANT_ID } from '../tenancy/index.ts';

/** How far back failures count: the last 30 days. */
const WINDOW_MS = 30 * 86_400_000;

const named = z.object({ id: z.uuid(), name: z.string() });

export const diagnosticsSchema = z.object({
  tenant_id: z.uuid(),
  since: z.iso.datetime().describe('Failures are counted from here (30 days back)'),
  problems: z.int().describe('How many of the checks below found something'),
  configuration: z.object({
    services_without_resources: z.array(named).describe('Active services no active staff member or room delivers: never bookable'),
    resources_without_schedule: z.array(named).describe('Active staff or rooms with no current or future working hours: never bookable'),
  }),
  failed_payments: z.object({
    count: z.int(),
    latest: z.array(z.object({ id: z.uuid(), booking_id: z.uuid(), amount: z.int(), currency: z.string(), created_at: z.string() })),
  }),
  failing_webhooks: z.array(
    z.object({ id: z.uuid(), url: z.string(), status: z.enum(['enabled', 'disabled']), failing_since: z.string().nullable(), disabled_reason: z.string().nullable() }),
  ),
  undelivered_messages: z.array(z.object({ channel: z.string(), status: z.enum(['failed', 'bounced']), count: z.int() })),
  latest_undelivered_messages: z
    .array(
      z.object({
        id: z.uuid(),
        event_type: z.string(),
        channel: z.string(),
        status: z.enum(['failed', 'bounced']),
        error_code: z.string().nullable(),
        resend_count: z.int(),
        created_at: z.string(),
        failed_at: z.string().nullable(),
      }),
    )
    .describe('The latest 20 failed or bounced messages (no content, no address), to resend one by one'),
  latest_failed_deliveries: z
    .array(
      z.object({
        id: z.uuid(),
        endpoint_id: z.uuid(),
        url: z.string(),
        endpoint_status: z.enum(['enabled', 'disabled']),
        event_type: z.string(),
        attempts: z.int(),
        replays: z.int(),
        last_response_status: z.int().nullable(),
        last_attempt_at: z.string().nullable(),
      }),
    )
    .describe('The latest 20 webhook deliveries that failed for good, to replay one by one (an endpoint must be enabled first)'),
});
export type Diagnostics = z.infer<typeof diagnosticsSchema>;

/**
 * What support looks at first when a business says "it does not work" (RF6.2): configuration that
 * makes a service unbookable, payments that failed, webhooks that keep failing, messages that did
 * not arrive. Read with the business's own tenant context, so Row-Level Security applies.
 */
export async function tenantDiagnostics(db: Db, tenantId: string, now: Date = new Date()): Promise<Diagnostics> {
  if (tenantId === PLATFORM_TENANT_ID) throw notFound('Tenant');
  return withTenant(db, tenantId, async (trx) => {
    if (!(await getTenant(trx, tenantId))) throw notFound('Tenant');
    const since = new Date(now.getTime() - WINDOW_MS);
    const configuration = {
      services_without_resources: await servicesWithoutResources(trx, tenantId),
      resources_without_schedule: await resourcesWithoutSchedule(trx, tenantId),
    };
    const failedPayments = await failedPaymentsSince(trx, tenantId, since);
    const failingWebhooks = await failingWebhookEndpoints(trx, tenantId);
    const undelivered = await undeliveredMessagesSince(trx, tenantId, since);
    const latestUndelivered = await latestUndeliveredMessages(trx, tenantId, since);
    const failedDeliveries = await latestFailedDeliveries(trx, tenantId, since);
    const problems = [
      configuration.services_without_resources.length,
      configuration.resources_without_schedule.length,
      failedPayments.count,
      failingWebhooks.length,
      undelivered.length,
    ].filter((count) => count > 0).length;
    return {
      tenant_id: tenantId,
      since: since.toISOString(),
      problems,
      configuration,
      failed_payments: failedPayments,
      failing_webhooks: failingWebhooks,
      undelivered_messages: undelivered,
      latest_undelivered_messages: latestUndelivered,
      latest_failed_deliveries: failedDeliveries,
    };
  });
}
