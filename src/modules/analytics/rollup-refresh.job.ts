import { z } from 'zod';
import type { Executor } from '../../platform/db/database.ts';
import { afterCommit } from '../../platform/db/transaction-context.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import type { DomainEvent, EventSubscriber } from '../../platform/events/outbox.ts';
import { defineJob, type JobDefinition } from '../../platform/jobs/job-definition.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { bookingEvents } from '../booking/index.ts';
import { customerEvents } from '../customers/index.ts';
import { paymentEvents } from '../payments/index.ts';
import type { AnalyticsMetrics } from './analytics-metrics.ts';
import { bookingPlace, recomputeCustomer, recomputeResourceDays } from './rollup.repository.ts';

/**
 * What one event asks the rollups to look at again. The job reads the booking where it is now
 * and recomputes that resource and local day, plus every place the event says it was (the
 * event's own resource and start, and a rescheduled booking's previous ones, ± one day since
 * the old local day is not carried), and the customers named. Recomputing from the raw tables
 * makes duplicates and late events harmless.
 */
export const refreshPayload = z.object({
  booking_id: z.guid().nullable(),
  places: z.array(z.object({ resource_id: z.guid(), start_time: z.string() })).max(4),
  customer_ids: z.array(z.guid()).max(4),
});
export type RefreshRequest = z.infer<typeof refreshPayload>;

export const rollupRefreshJob = { name: 'analytics.refresh', version: 1, payload: refreshPayload } as const;

const eventPlace = z.object({ resource_id: z.guid(), start_time: z.string() });
const bookingData = z.object({ id: z.guid(), customer_id: z.guid().optional(), resource_id: z.guid().optional(), start_time: z.string().optional() });
const paymentData = z.object({ booking_id: z.guid(), customer_id: z.guid().optional() });
const customerData = z.object({ id: z.guid().optional(), merged_customer_id: z.guid().optional() });

const BOOKING_EVENT_NAMES = new Set<string>(Object.values(bookingEvents).map((event) => event.name));

/** The refresh an event asks for, or null when it names nothing analytics counts. */
export function refreshFor(event: Pick<DomainEvent, 'type' | 'data' | 'previousAttributes' | 'aggregateId'>): RefreshRequest | null {
  if (BOOKING_EVENT_NAMES.has(event.type)) {
    const data = bookingData.safeParse(event.data);
    if (!data.success) return null;
    const places = [eventPlace.safeParse(event.data), eventPlace.safeParse(event.previousAttributes ?? {})].flatMap((parsed) =>
      parsed.success ? [parsed.data] : [],
    );
    return { booking_id: data.data.id, places, customer_ids: data.data.customer_id ? [data.data.customer_id] : [] };
  }
  if (event.type.startsWith('payment.')) {
    const data = paymentData.safeParse(event.data);
    if (!data.success) return null;
    return { booking_id: data.data.booking_id, places: [], customer_ids: data.data.customer_id ? [data.data.customer_id] : [] };
  }
  if (event.type === customerEvents.updated.name) {
    const data = customerData.safeParse(event.data);
    const merged = data.success ? data.data.merged_customer_id : undefined;
    if (merged === undefined) return null;
    return { booking_id: null, places: [], customer_ids: [event.aggregateId, merged] };
  }
  return null;
}

const utcDate = (instant: string, shiftDays: number) => new Date(Date.parse(instant) + shiftDays * 86_400_000).toISOString().slice(0, 10);

/** Applies a refresh in the caller's tenant transaction. */
export async function applyRefresh(executor: Executor, tenantId: string, request: RefreshRequest): Promise<void> {
  const customers = new Set(request.customer_ids);
  if (request.booking_id !== null) {
    const now = await bookingPlace(executor, tenantId, request.booking_id);
    if (now) {
      await recomputeResourceDays(executor, tenantId, now.resourceId, now.day, now.day);
      customers.add(now.customerId);
    }
  }
  for (const place of request.places) {
    if (Number.isNaN(Date.parse(place.start_time))) continue;
    await recomputeResourceDays(executor, tenantId, place.resource_id, utcDate(place.start_time, -1), utcDate(place.start_time, 1));
  }
  for (const customerId of customers) await recomputeCustomer(executor, tenantId, customerId);
}

/** The events the rollups follow. */
export const ROLLUP_EVENTS = [
  ...Object.values(bookingEvents),
  paymentEvents.succeeded,
  paymentEvents.failed,
  paymentEvents.refunded,
  customerEvents.updated,
] as const;

/**
 * Hands each event to the refresh job (deduplicated by event id), so a failing recomputation
 * retries on its own without holding back the other subscribers, and counts the business
 * figures Prometheus exports once the fan-out commits.
 */
export function rollupSubscriber(metrics: AnalyticsMetrics | null): EventSubscriber {
  return {
    name: 'analytics.rollups',
    events: ROLLUP_EVENTS,
    async handle(event, executor) {
      const request = refreshFor(event);
      if (request === null) return;
      await enqueue(executor, rollupRefreshJob, request, { tenantId: event.tenantId, dedupeKey: `event:${event.id}` });
      if (metrics) await afterCommit(executor, () => metrics.countEvent(event));
    },
  };
}

export function createRollupRefreshJob(): JobDefinition<typeof refreshPayload> {
  return defineJob({
    ...rollupRefreshJob,
    async handle(payload, context) {
      if (context.tenantId === null) return { outcome: 'discard', reason: 'refresh without tenant' };
      await withTenant(context.db, context.tenantId, (trx) => applyRefresh(trx, context.tenantId ?? '', payload));
      return { outcome: 'done' };
    },
  });
}
