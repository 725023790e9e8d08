import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import { deferWrites, flushDeferredWrites } from '../../src/platform/db/transaction-context.ts';
import { withPlatform, withTenant } from '../../src/platform/db/tenant-context.ts';
import { defineEvent } from '../../src/platform/events/event-descriptor.ts';
import { publishEvent } from '../../src/platform/events/outbox.ts';
import { enqueueDeferred, JOBS_CHANNEL } from '../../src/platform/jobs/queue.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { waitFor } from '../support/wait.ts';

const TENANT = '00000000-0000-4000-8000-0000000000d1';
const probeEvent = (name: string) => defineEvent({ name, aggregateType: 'probe', description: 'probe', webhook: false, data: z.strictObject({}) });
const probeJob = { name: 'probe.deferred', version: 1, payload: z.object({ n: z.number() }) };
let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
  for (const statement of [
    sql`create table probe_deferred (tenant_id uuid not null, id int not null, primary key (tenant_id, id))`,
    sql`alter table probe_deferred enable row level security`,
    sql`alter table probe_deferred force row level security`,
    sql`create policy probe_deferred_isolation on probe_deferred using (tenant_id = current_tenant_id()) with check (tenant_id = current_tenant_id())`,
    sql`grant select, insert on probe_deferred to reservehub_app`,
  ]) {
    await statement.execute(database.db);
  }
});

afterAll(async () => {
  await database?.close();
});

const insertProbe = (id: number) => sql`insert into probe_deferred (tenant_id, id) values (${TENANT}, ${id})`;
const probeIds = async (): Promise<number[]> =>
  (await withPlatform(database.db, (trx) => sql<{ id: number }>`select id from probe_deferred order by id`.execute(trx))).rows.map((row) => row.id);
const eventsOf = async (aggregateId: string): Promise<{ type: string; fanouts: number }[]> =>
  (
    await withPlatform(database.db, (trx) =>
      sql<{ type: string; fanouts: number }>`
        select e.type, (select count(*) from jobs j where j.name = 'events.fanout' and j.dedupe_key = e.id::text)::int as fanouts
        from events e where e.aggregate_id = ${aggregateId}`.execute(trx),
    )
  ).rows;

describe('deferred writes (events, jobs, history, audit sent together before commit)', () => {
  it('queued writes are sent before commit: after withTenant they exist, with the event fan-out job', async () => {
    const aggregateId = randomUUID();
    await withTenant(database.db, TENANT, async (trx) => {
      await deferWrites(trx, [insertProbe(1), insertProbe(2)]);
      await publishEvent(trx, probeEvent('probe.happened'), { tenantId: TENANT, aggregateId, data: {} });
      // Still queued: the transaction itself does not see them yet.
      expect((await sql<{ n: number }>`select count(*)::int as n from probe_deferred`.execute(trx)).rows[0]?.n).toBe(0);
    });
    expect(await probeIds()).toEqual([1, 2]);
    expect(await eventsOf(aggregateId)).toEqual([{ type: 'probe.happened', fanouts: 1 }]);
  });

  it('a transaction that fails after queueing leaves none of its writes', async () => {
    const aggregateId = randomUUID();
    const failed = await withTenant(database.db, TENANT, async (trx) => {
      await deferWrites(trx, [insertProbe(10)]);
      await publishEvent(trx, probeEvent('probe.lost'), { tenantId: TENANT, aggregateId, data: {} });
      throw new Error('work failed');
    }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(Error);
    expect(await probeIds()).not.toContain(10);
    expect(await eventsOf(aggregateId)).toEqual([]);
  });

  it('a queued write that fails at the flush rolls back the whole transaction, its immediate writes included', async () => {
    const failed = await withTenant(database.db, TENANT, async (trx) => {
      await insertProbe(20).execute(trx);
      // Primary key taken: fails only when the queue is sent.
      await deferWrites(trx, [insertProbe(21), insertProbe(1)]);
    }).catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: '23505' });
    const ids = await probeIds();
    expect(ids).not.toContain(20);
    expect(ids).not.toContain(21);
  });

  it('flushDeferredWrites makes the queue visible to the rest of the transaction', async () => {
    const seen = await withTenant(database.db, TENANT, async (trx) => {
      await deferWrites(trx, [insertProbe(30)]);
      await flushDeferredWrites(trx);
      return (await sql<{ id: number }>`select id from probe_deferred where id = 30`.execute(trx)).rows.length;
    });
    expect(seen).toBe(1);
  });

  it('outside a transaction the writes are sent at once', async () => {
    await deferWrites(database.db, [sql`insert into probe_deferred (tenant_id, id) values (${TENANT}, 40)`, sql`insert into probe_deferred (tenant_id, id) values (${TENANT}, 41)`]);
    expect(await probeIds()).toEqual(expect.arrayContaining([40, 41]));
  });

  it('a deferred job that is due wakes listeners at commit; a taken dedupe key adds nothing', async () => {
    const wakes: string[] = [];
    const unlisten = await database.listen(JOBS_CHANNEL, (payload) => wakes.push(payload));
    try {
      const dedupeKey = `probe:${randomUUID()}`;
      for (let attempt = 0; attempt < 2; attempt += 1) {
        await withTenant(database.db, TENANT, (trx) => enqueueDeferred(trx, probeJob, { n: attempt }, { tenantId: TENANT, dedupeKey }));
      }
      // The NOTIFY arrives on the listening connection.
      await waitFor(() => wakes.includes(probeJob.name), { timeoutMs: 1_000 }).catch(() => undefined);
      expect(wakes).toContain(probeJob.name);
      const jobs = await withPlatform(database.db, (trx) => sql<{ payload: { n: number } }>`select payload from jobs where dedupe_key = ${dedupeKey}`.execute(trx));
      expect(jobs.rows.map((row) => row.payload)).toEqual([{ n: 0 }]);
    } finally {
      await unlisten();
    }
  });
});
