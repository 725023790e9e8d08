import { randomUUID } from 'node:crypto';
import { sql, type OperationNodeSource } from 'kysely';
import { z } from 'zod';
import type { Executor } from '../db/database.ts';
import { deferWrites } from '../db/transaction-context.ts';
import { withTenant } from '../db/tenant-context.ts';
import { defineJob, type JobDefinition, type JobKind } from '../jobs/job-definition.ts';
import { JOBS_CHANNEL } from '../jobs/queue.ts';
import { currentTraceparent } from '../observability/tracing.ts';
import { checkEvent, type AnyEventDescriptor, type CheckedEvent, type EventInput } from './event-descriptor.ts';

/** A domain event as stored and as handed to subscribers. */
export interface DomainEvent {
  id: string;
  tenantId: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  data: Record<string, unknown>;
  previousAttributes: Record<string, unknown> | null;
  createdAt: string;
}

/**
 * Something that reacts to events. It runs at least once per event, so it
 * must be idempotent (typically: enqueue its own job with the event id as
 * dedupe key).
 */
export interface EventSubscriber {
  name: string;
  /** The events it wants, as their producers declare them (`<module>.events.ts`). */
  events: readonly AnyEventDescriptor[];
  handle(event: DomainEvent, executor: Executor): Promise<void>;
}

/**
 * Records an event in the caller's transaction and enqueues its fan-out: the
 * event exists if and only if the change that caused it committed. The event is
 * named by its descriptor, and its data is checked against the descriptor's
 * schema first (`EventPayloadError` when it does not match: nothing is written).
 */
export async function publishEvent<D extends AnyEventDescriptor>(executor: Executor, descriptor: D, input: EventInput<D>): Promise<string> {
  const [id] = await publishEvents(executor, [checkEvent(descriptor, input)]);
  if (id === undefined) throw new Error('event insert returned no id');
  return id;
}

/**
 * `publishEvent` for several events, each checked by `checkEvent`: the events, their fan-out jobs (dedupe key = event id)
 * and the NOTIFY (delivered at commit) that wakes idle workers, as `enqueue` would send it.
 * Inside `withTenant` / `withPlatform` they are queued with the transaction's other deferred
 * writes and reach the database in one statement before commit (transaction-context.ts);
 * elsewhere they are sent now, in one statement. `alongside` is one more write of the
 * caller's (an insert or update without a WITH clause) sent with them: it commits or fails
 * with the events. Returns the events' ids.
 */
export async function publishEvents(
  executor: Executor,
  events: readonly CheckedEvent[],
  options: { alongside?: OperationNodeSource } = {},
): Promise<string[]> {
  const ids = events.map(() => randomUUID());
  const writes: OperationNodeSource[] = options.alongside ? [options.alongside] : [];
  if (events.length > 0) {
    const rows = events.map(
      (event, index) =>
        sql`(${event.tenantId}::uuid, ${ids[index]}::uuid, ${event.type}, ${event.aggregateType}, ${event.aggregateId}::uuid,
             ${JSON.stringify(event.data)}::jsonb, ${event.previousAttributes ? JSON.stringify(event.previousAttributes) : null}::jsonb)`,
    );
    // The fan-out continues the trace of whatever published the event.
    const traceparent = currentTraceparent();
    const fanouts = events.map(
      (event, index) =>
        sql`(${event.tenantId}::uuid, ${eventFanoutJob.name}, ${eventFanoutJob.version},
             jsonb_build_object('event_id', ${ids[index]}::uuid), now(), 0, ${ids[index]}, ${FANOUT_MAX_ATTEMPTS}, ${traceparent})`,
    );
    writes.push(
      sql`insert into events (tenant_id, id, type, aggregate_type, aggregate_id, data, previous_attributes) values ${sql.join(rows)}`,
      // One NOTIFY per inserted job; PostgreSQL folds identical ones of a transaction into one.
      sql`insert into jobs (tenant_id, name, version, payload, run_at, priority, dedupe_key, max_attempts, trace_context)
          values ${sql.join(fanouts)}
          on conflict (name, dedupe_key) where dedupe_key is not null do nothing
          returning pg_notify(${JOBS_CHANNEL}, ${eventFanoutJob.name})`,
    );
  }
  await deferWrites(executor, writes);
  return ids;
}

/** `enqueue`'s default attempts, which the fan-out job does not override. */
const FANOUT_MAX_ATTEMPTS = 10;

const fanoutPayload = z.object({ event_id: z.string().uuid() });

/** The fan-out job's identity; its handler needs the subscribers, so `createEventFanoutJob` builds it. */
const eventFanoutJob: JobKind<typeof fanoutPayload> = { name: 'events.fanout', version: 1, payload: fanoutPayload };

/**
 * The job that hands an event to every subscriber that wants its type, inside
 * the event's tenant context. All subscribers run in one transaction: if one
 * fails, none of their effects commit and the whole fan-out is retried, which
 * idempotent subscribers make harmless.
 */
export function createEventFanoutJob(subscribers: readonly EventSubscriber[]): JobDefinition<typeof fanoutPayload> {
  return defineJob({
    name: eventFanoutJob.name,
    version: eventFanoutJob.version,
    payload: fanoutPayload,
    async handle(payload, context) {
      if (context.tenantId === null) return { outcome: 'discard', reason: 'event job without tenant' };
      return withTenant(context.db, context.tenantId, async (trx) => {
        const row = await sql<{
          id: string;
          tenant_id: string;
          type: string;
          aggregate_type: string;
          aggregate_id: string;
          data: Record<string, unknown>;
          previous_attributes: Record<string, unknown> | null;
          created_at: Date;
        }>`select * from events where id = ${payload.event_id}`.execute(trx);
        const stored = row.rows[0];
        if (!stored) return { outcome: 'discard' as const, reason: 'event no longer exists' };
        const event: DomainEvent = {
          id: stored.id,
          tenantId: stored.tenant_id,
          type: stored.type,
          aggregateType: stored.aggregate_type,
          aggregateId: stored.aggregate_id,
          data: stored.data,
          previousAttributes: stored.previous_attributes,
          createdAt: new Date(stored.created_at).toISOString(),
        };
        for (const subscriber of subscribers) {
          if (subscriber.events.some((wanted) => wanted.name === event.type)) {
            await subscriber.handle(event, trx);
          }
        }
        return { outcome: 'done' as const };
      });
    },
  });
}
