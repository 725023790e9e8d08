import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { pino } from 'pino';
import { z } from 'zod';
import { defineJob, backoffDelayMs, type JobOutcome } from '../../src/platform/jobs/job-definition.ts';
import { enqueue, cancelPendingJobs } from '../../src/platform/jobs/queue.ts';
import { Worker } from '../../src/platform/jobs/worker.ts';
import { listDeadJobs, replayDeadJob } from '../../src/platform/jobs/dead-jobs.ts';
import { onPostgres, openTestDatabase, type TestDatabase } from '../support/database.ts';
import { expireJobLeases, waitFor } from '../support/wait.ts';

const logger = pino({ level: 'silent' });
let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await sql`delete from jobs`.execute(database.db);
});

const runs: string[] = [];
const recordJob = defineJob({
  name: 'test.record',
  version: 1,
  payload: z.object({ label: z.string() }),
  async handle(payload): Promise<JobOutcome> {
    runs.push(payload.label);
    return { outcome: 'done' };
  },
});

async function jobStatus(id: string | null): Promise<{ status: string; attempts: number; last_error: string | null }> {
  const result = await sql<{ status: string; attempts: number; last_error: string | null }>`
    select status, attempts, last_error from jobs where id = ${id}`.execute(database.db);
  const row = result.rows[0];
  if (!row) throw new Error('job not found');
  return row;
}

describe('enqueue', () => {
  it('never runs a job enqueued in a transaction that rolled back', async () => {
    runs.length = 0;
    await expect(
      database.db.transaction().execute(async (trx) => {
        await enqueue(trx, recordJob, { label: 'rolled-back' }, { tenantId: null });
        throw new Error('abort the change');
      }),
    ).rejects.toThrow('abort the change');
    await database.db.transaction().execute(async (trx) => {
      await enqueue(trx, recordJob, { label: 'committed' }, { tenantId: null });
    });
    const worker = new Worker({ handle: database, definitions: [recordJob], logger, concurrency: 2, pollMs: 50 });
    expect(await worker.drain()).toBe(1);
    expect(runs).toEqual(['committed']);
  });

  it('keeps one job per dedupe key', async () => {
    const first = await enqueue(database.db, recordJob, { label: 'a' }, { tenantId: null, dedupeKey: 'same' });
    const second = await enqueue(database.db, recordJob, { label: 'b' }, { tenantId: null, dedupeKey: 'same' });
    expect(first).not.toBeNull();
    expect(second).toBeNull();
  });

  it('refuses a payload that does not match the schema', async () => {
    await expect(
      enqueue(database.db, recordJob, { label: 42 } as unknown as { label: string }, { tenantId: null }),
    ).rejects.toThrow();
  });

  it('does not run a scheduled job before its time, and cancels pending ones by key prefix', async () => {
    runs.length = 0;
    const later = await enqueue(database.db, recordJob, { label: 'later' }, {
      tenantId: null,
      runAt: new Date(Date.now() + 3_600_000),
      dedupeKey: 'booking-1:reminder-24h',
    });
    const worker = new Worker({ handle: database, definitions: [recordJob], logger, concurrency: 1, pollMs: 50 });
    expect(await worker.drain()).toBe(0);
    expect(await cancelPendingJobs(database.db, recordJob.name, 'booking-1:')).toBe(1);
    expect((await jobStatus(later)).status).toBe('cancelled');
  });
});

describe('worker', () => {
  it('retries a failing job with backoff and parks it as dead after its attempts', async () => {
    const failing = defineJob({
      name: 'test.failing',
      version: 1,
      payload: z.object({}),
      maxAttempts: 3,
      async handle(): Promise<JobOutcome> {
        throw new Error('provider down');
      },
    });
    const id = await enqueue(database.db, failing, {}, { tenantId: null });
    const worker = new Worker({ handle: database, definitions: [failing], logger, concurrency: 1, pollMs: 50 });
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await worker.drain();
      const state = await jobStatus(id);
      expect(state.attempts).toBe(attempt);
      expect(state.last_error).toBe('provider down');
      if (attempt < 3) {
        expect(state.status).toBe('pending');
        // Due in the future: the backoff; bring it forward to continue the test.
        const due = await sql<{ later: boolean }>`select run_at > now() as later from jobs where id = ${id}`.execute(database.db);
        expect(due.rows[0]?.later).toBe(true);
        await sql`update jobs set run_at = now() where id = ${id}`.execute(database.db);
      }
    }
    expect((await jobStatus(id)).status).toBe('dead');
    const dead = await listDeadJobs(database.db, { limit: 10 });
    expect(dead.items.map((job) => [job.id, job.name, job.attempts, job.last_error])).toEqual([[id, 'test.failing', 3, 'provider down']]);
    expect(await replayDeadJob(database.db, id ?? '')).toMatchObject({ id, name: 'test.failing', status: 'pending' });
    expect(await jobStatus(id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await listDeadJobs(database.db, { limit: 10 })).items).toEqual([]);
    // Only a dead job is replayed: a second replay finds none.
    expect(await replayDeadJob(database.db, id ?? '')).toBeNull();
  });

  it('runs again a job whose worker died mid-run once the lease expires', async () => {
    runs.length = 0;
    const id = await enqueue(database.db, recordJob, { label: 'orphan' }, { tenantId: null });
    // A worker that claimed the job and died: running, lease already expired.
    await sql`update jobs set status = 'running', attempts = 1, locked_by = 'dead-worker',
              locked_until = now() - interval '1 second' where id = ${id}`.execute(database.db);
    const worker = new Worker({ handle: database, definitions: [recordJob], logger, concurrency: 1, pollMs: 50 });
    expect(await worker.drain()).toBe(1);
    expect(runs).toEqual(['orphan']);
    const state = await jobStatus(id);
    expect(state.status).toBe('succeeded');
    expect(state.attempts).toBe(2);
  });

  it('renews the short lease of a long run, so no other worker takes it; a run past its time loses it', async () => {
    const started: number[] = [];
    const long = (name: string, timeoutMs?: number) =>
      defineJob({
        name,
        version: 1,
        payload: z.object({ n: z.number() }),
        ...(timeoutMs ? { timeoutMs } : {}),
        async handle(payload): Promise<JobOutcome> {
          started.push(payload.n);
          // The first run of a job is slow (or hangs); a second one is quick.
          if (started.filter((n) => n === payload.n).length === 1) await new Promise((resolve) => setTimeout(resolve, 1200));
          return { outcome: 'done' };
        },
      });
    const renewed = long('test.long');
    const id = await enqueue(database.db, renewed, { n: 1 }, { tenantId: null });
    const holder = new Worker({ handle: database, definitions: [renewed], logger, concurrency: 1, pollMs: 50, leaseMs: 300 });
    const rival = new Worker({ handle: database, definitions: [renewed], logger, concurrency: 1, pollMs: 50, leaseMs: 300 });
    const run = holder.drain();
    // Four lease lengths pass while the job runs: without the heartbeat the rival would take it.
    let taken = 0;
    for (let check = 0; check < 8; check += 1) {
      await new Promise((resolve) => setTimeout(resolve, 120));
      taken += await rival.drain();
    }
    await run;
    expect(taken).toBe(0);
    expect(started).toEqual([1]);
    expect(await jobStatus(id)).toMatchObject({ status: 'succeeded', attempts: 1 });

    // A run that goes past its time (a hung call) is taken over like a dead worker's.
    started.length = 0;
    const hung = long('test.hung', 200);
    const hungId = await enqueue(database.db, hung, { n: 2 }, { tenantId: null });
    const stuck = new Worker({ handle: database, definitions: [hung], logger, concurrency: 1, pollMs: 50, leaseMs: 150 });
    const rescuer = new Worker({ handle: database, definitions: [hung], logger, concurrency: 1, pollMs: 50, leaseMs: 150 });
    const stuckRun = stuck.drain();
    let rescued = 0;
    for (let check = 0; check < 40 && rescued === 0; check += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      rescued = await rescuer.drain();
    }
    expect(rescued).toBe(1);
    await stuckRun;
    expect(started).toEqual([2, 2]);
    expect((await jobStatus(hungId)).attempts).toBe(2);
  });

  it('does not take a running job whose lease is still valid', async () => {
    const id = await enqueue(database.db, recordJob, { label: 'busy' }, { tenantId: null });
    await sql`update jobs set status = 'running', attempts = 1, locked_by = 'live-worker',
              locked_until = now() + interval '1 minute' where id = ${id}`.execute(database.db);
    const worker = new Worker({ handle: database, definitions: [recordJob], logger, concurrency: 1, pollMs: 50 });
    expect(await worker.drain()).toBe(0);
  });

  it('never runs the same job in two workers at once', async () => {
    const active = new Set<string>();
    const seen: string[] = [];
    let overlaps = 0;
    const slow = defineJob({
      name: 'test.slow',
      version: 1,
      payload: z.object({ n: z.number() }),
      async handle(payload): Promise<JobOutcome> {
        const key = String(payload.n);
        if (active.has(key)) overlaps += 1;
        active.add(key);
        seen.push(key);
        // Stands for the job's work: it keeps the job running while the other workers claim, so a double claim would overlap.
        await new Promise((resolve) => setTimeout(resolve, 5));
        active.delete(key);
        return { outcome: 'done' };
      },
    });
    for (let n = 0; n < 40; n += 1) await enqueue(database.db, slow, { n }, { tenantId: null });
    const workers = [1, 2, 3].map(
      (i) => new Worker({ handle: database, definitions: [slow], logger, concurrency: 4, pollMs: 20, workerId: `w${i}` }),
    );
    await Promise.all(workers.map((worker) => worker.drain()));
    expect(overlaps).toBe(0);
    expect(seen).toHaveLength(40);
    expect(new Set(seen).size).toBe(40);
  });

  it('wakes on NOTIFY and processes jobs while started', async () => {
    runs.length = 0;
    const worker = new Worker({ handle: database, definitions: [recordJob], logger, concurrency: 2, pollMs: 10_000 });
    await worker.start();
    const started = Date.now();
    await database.db.transaction().execute(async (trx) => {
      await enqueue(trx, recordJob, { label: 'notified' }, { tenantId: null });
    });
    await waitFor(() => runs.length > 0, { timeoutMs: 5_000, message: 'the started worker to run the job' }).catch(() => undefined);
    await worker.stop();
    expect(runs).toEqual(['notified']);
    // Far sooner than the 10 s poll: the NOTIFY woke it.
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('backoff', () => {
  it.each([
    [1, 1_000, 2_000],
    [2, 2_000, 4_000],
    [5, 16_000, 32_000],
    [30, 1_800_000, 3_600_000],
  ])('attempt %i waits between %i and %i ms', (attempt, low, high) => {
    expect(backoffDelayMs(attempt, () => 0)).toBe(low);
    expect(backoffDelayMs(attempt, () => 1)).toBe(high);
  });
});

describe('crash', () => {
  it.runIf(onPostgres())('retries a job whose worker process was killed with SIGKILL mid-run', async () => {
    const { spawn } = await import('node:child_process');
    const hangKind = { name: 'test.hang', version: 1, payload: z.object({}) };
    const id = await enqueue(database.db, hangKind, {}, { tenantId: null });
    const child = spawn(process.execPath, ['test/support/crash-worker.ts', database.url ?? ''], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('claimed') && resolve());
      child.once('exit', () => reject(new Error('worker exited early')));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect((await jobStatus(id)).status).toBe('running');

    let ran = 0;
    const rescue = defineJob({ ...hangKind, timeoutMs: 1_000, async handle(): Promise<JobOutcome> { ran += 1; return { outcome: 'done' }; } });
    const worker = new Worker({ handle: database, definitions: [rescue], logger, concurrency: 1, pollMs: 50 });
    // The dead worker's lease runs out.
    await expireJobLeases(database.db, { name: hangKind.name });
    await worker.drain();
    expect(ran).toBe(1);
    const state = await jobStatus(id);
    expect(state.status).toBe('succeeded');
    expect(state.attempts).toBe(2);
  });
});
