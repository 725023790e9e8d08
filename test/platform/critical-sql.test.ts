/**
 * The SQL that decides availability, double bookings and job pick-up, as reviewable
 * files (test/platform/__snapshots__/critical-sql/*.sql): a change to any of it shows
 * in the diff. The statements come from the functions production calls, run against a
 * Kysely whose driver records each compiled query (text and parameters) instead of
 * sending it; the PL/pgSQL functions they call are read from a migrated database.
 * After an intended change: `npx vitest run test/platform/critical-sql.test.ts -u`, and
 * review the .sql diff.
 */
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Database, DatabaseHandle, Db } from '../../src/platform/db/database.ts';
import { defineJob } from '../../src/platform/jobs/job-definition.ts';
import { Worker } from '../../src/platform/jobs/worker.ts';
import { claimSlot, lockSlot, lockSlotThenIsStartFull, tryLockSlotUnlessFull } from '../../src/modules/booking/slot-lock.ts';
import { AvailabilityRepository } from '../../src/modules/scheduling/availability.repository.ts';
import { OccupancyRepository } from '../../src/modules/scheduling/occupancy.repository.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

const TENANT = '00000000-0000-4000-8000-00000000a001';
const RESOURCE = '00000000-0000-4000-8000-00000000b001';
const OTHER_RESOURCE = '00000000-0000-4000-8000-00000000b002';
const BOOKING = '00000000-0000-4000-8000-00000000c001';
const START = new Date('2026-03-02T09:00:00.000Z');
const END = new Date('2026-03-02T09:45:00.000Z');

/** A driver that records what it is asked to run and answers with `answer(query)`'s rows. */
class RecordingDriver implements Driver {
  readonly queries: CompiledQuery[] = [];
  answer: (query: CompiledQuery) => unknown[] = () => [];

  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        this.queries.push(query);
        return { rows: this.answer(query) as R[] };
      },
      streamQuery: () => {
        throw new Error('not recorded');
      },
    };
  }
  async beginTransaction(): Promise<void> {}
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

const driver = new RecordingDriver();
const recording: Db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => driver,
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** The statements `run` sends, as a reviewable SQL file: each statement's text, then its parameters. */
async function recorded(title: string, run: () => Promise<unknown>, answer: (query: CompiledQuery) => unknown[] = () => []): Promise<string> {
  driver.queries.length = 0;
  driver.answer = answer;
  await run();
  const statements = driver.queries.map(
    (query) => `${query.sql.trim()};\n-- parameters: ${JSON.stringify(query.parameters, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))}\n`,
  );
  return `-- ${title}\n\n${statements.join('\n')}`;
}

const SNAPSHOTS = './__snapshots__/critical-sql';

describe('critical SQL, as production compiles it', () => {
  it('availability: one statement per request (availability_calendars)', async () => {
    const text = await recorded('AvailabilityRepository.calendars: the calendar of the requested resources and, for two-resource services, of every resource at their locations', () =>
      new AvailabilityRepository().calendars(recording, TENANT, {
        resourceIds: [RESOURCE, OTHER_RESOURCE],
        alsoAtSameLocations: true,
        from: '2026-03-02',
        to: '2026-03-08',
      }),
    );
    await expect(text).toMatchFileSnapshot(`${SNAPSHOTS}/availability.sql`);
  });

  it('the slot lock: try it with the fullness check, else wait for it; a batch takes it outright', async () => {
    const text = await recorded(
      'booking/slot-lock.ts: tryLockSlotUnlessFull (one round trip), lockSlotThenIsStartFull (shared, then exclusive), lockSlot (batches)',
      async () => {
        await tryLockSlotUnlessFull(recording, TENANT, RESOURCE, START);
        await lockSlotThenIsStartFull(recording, TENANT, RESOURCE, START, 'shared');
        await lockSlotThenIsStartFull(recording, TENANT, RESOURCE, START, 'exclusive');
        await lockSlot(recording, TENANT, RESOURCE, START);
      },
      (query) => (query.sql.includes('pg_try_advisory_xact_lock') ? [{ count: 0, capacity: null, locked: true }] : [{ full: false }]),
    );
    await expect(text).toMatchFileSnapshot(`${SNAPSHOTS}/slot-lock.sql`);
  });

  it('claimSlot answers free, full or retry from what those statements found', async () => {
    const answering = (tried: { count: number; capacity: number | null; locked: boolean }, fullAfterWait: boolean) => (query: CompiledQuery) =>
      query.sql.includes('pg_try_advisory_xact_lock') ? [tried] : [{ full: fullAfterWait }];
    const claim = async (whenBusy: 'shared' | 'exclusive', tried: { count: number; capacity: number | null; locked: boolean }, fullAfterWait = false) => {
      driver.queries.length = 0;
      driver.answer = answering(tried, fullAfterWait);
      const outcome = await claimSlot(recording, TENANT, RESOURCE, START, whenBusy);
      return [outcome, driver.queries.length];
    };
    // The lock was free and the start has room: one round trip.
    expect(await claim('shared', { count: 0, capacity: null, locked: true })).toEqual(['free', 1]);
    // Full already: refused without waiting for the lock.
    expect(await claim('shared', { count: 2, capacity: 2, locked: false })).toEqual(['full', 1]);
    // Busy: wait, then full (the holder booked it), or free again (it gave up).
    expect(await claim('shared', { count: 0, capacity: null, locked: false }, true)).toEqual(['full', 2]);
    expect(await claim('shared', { count: 0, capacity: null, locked: false }, false)).toEqual(['retry', 2]);
    expect(await claim('exclusive', { count: 0, capacity: null, locked: false }, false)).toEqual(['free', 2]);
  });

  it('the occupancy insert: the resource lock, then the allocation only if it fits (exclusive, then shared)', async () => {
    const repository = new OccupancyRepository();
    const row = { tenantId: TENANT, resourceId: RESOURCE, bookingId: BOOKING, start: START, end: END, places: 1 };
    const text = await recorded(
      'OccupancyRepository: lockResource, insertIfFits with capacity 1 (exclusive), insertIfFits with capacity 3 (shared, 2 places)',
      async () => {
        await repository.lockResource(recording, TENANT, RESOURCE);
        await repository.insertIfFits(recording, { ...row, capacity: 1 });
        await repository.insertIfFits(recording, { ...row, places: 2, capacity: 3 });
      },
      (query) => (query.sql.includes('insert into allocations') ? [{ id: '00000000-0000-4000-8000-00000000d001' }] : []),
    );
    await expect(text).toMatchFileSnapshot(`${SNAPSHOTS}/occupancy-insert.sql`);
  });

  it('the job claim: due or abandoned jobs, SKIP LOCKED, each with a short lease the heartbeat renews', async () => {
    const job = (name: string, timeoutMs?: number) =>
      defineJob({ name, version: 1, payload: z.object({}), ...(timeoutMs ? { timeoutMs } : {}), handle: async () => ({ outcome: 'done' }) });
    const worker = new Worker({
      handle: { kind: 'postgres', db: recording } as DatabaseHandle,
      definitions: [job('events.fanout'), job('notifications.deliver', 30_000)],
      logger: pino({ enabled: false }),
      concurrency: 4,
      pollMs: 1_000,
      workerId: 'worker-1',
    });
    const text = await recorded('Worker claim (drain: one claim that finds nothing due)', () => worker.drain());
    await expect(text).toMatchFileSnapshot(`${SNAPSHOTS}/job-claim.sql`);
  });
});

describe('the PL/pgSQL those statements call, as the migrations leave it', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it.each(['availability_calendars', 'booking_start_full_after_lock'])('%s', async (name) => {
    // Arguments, result and body as written (prosrc), not pg_get_functiondef, whose layout differs between versions.
    const result = await sql<{ signature: string; body: string }>`
      select format('%s(%s) returns %s language %s %s%s', p.proname, pg_get_function_arguments(p.oid),
                    pg_get_function_result(p.oid), l.lanname,
                    case p.provolatile when 'i' then 'immutable' when 's' then 'stable' else 'volatile' end,
                    case when p.prosecdef then ' security definer' else '' end) as signature,
             p.prosrc as body
      from pg_proc p join pg_language l on l.oid = p.prolang
      where p.proname = ${name} and p.pronamespace = 'public'::regnamespace`.execute(database.db);
    expect(result.rows).toHaveLength(1);
    const [fn] = result.rows;
    await expect(`-- ${fn?.signature}\n${fn?.body.trim()}\n`).toMatchFileSnapshot(`${SNAPSHOTS}/${name}.sql`);
  });
});
