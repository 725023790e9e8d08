import { sql } from 'kysely';
import { z } from 'zod';
import type { Executor } from '../db/database.ts';
import { withTenant } from '../db/tenant-context.ts';
import { defineJob, type JobDefinition, type JobKind } from '../jobs/job-definition.ts';
import { enqueue } from '../jobs/queue.ts';

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

export interface NewEvent {
  tenantId: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  data: Record<string, unknown>;
  previousAttributes?: Record<string, unknown>;
}

/**
 * Something that reacts to events. It runs at least once per event, so it
 * must be idempotent (typically: enqueue its own job with the event id as
 * dedupe key).
 */
export interface EventSubscriber {
  name: string;
  /** Event types it wants; '*' for all. */
  types: readonly string[];
  handle(event: DomainEvent, executor: Executor): Promise<void>;
}

/**
 * Records an event in the caller's transaction and enqueues its fan-out: the
 * event exists if and only if the change that caused it committed.
 */
export async function publishEvent(executor: Executor, event: NewEvent): Promise<string> {
  const inserted = await sql<{ id: string }>`
    insert into events (tenant_id, type, aggregate_type, aggregate_id, data, previous_attributes)
    values (${event.tenantId}, ${event.type}, ${event.aggregateType}, ${event.aggregateId},
            ${JSON.stringify(event.data)}::jsonb, ${event.previousAttributes ? JSON.stringify(event.previousAttributes) : null}::jsonb)
    returning id`.execute(executor);
  const id = inserted.rows[0]?.id;
  if (id === undefined) throw new Error('event insert returned no id');
  await enqueue(executor, eventFanoutJob, { event_id: id }, { tenantId: event.tenantId, dedupeKey: id });
  return id;
}

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
          if (subscriber.types.includes('*') || subscriber.types.includes(event.type)) {
            await subscriber.handle(event, trx);
          }
        }
        return { outcome: 'done' as const };
      });
    },
  });
}
