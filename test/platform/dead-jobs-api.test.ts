import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  asPlatform,
  body,
  createPlatformAdminSession,
  signupTenant,
  startTestApp,
  type Actor,
  type TenantOwner,
  type TestApp,
} from '../support/factories.ts';

let t: TestApp;
let owner: TenantOwner;
let admin: Actor;
beforeAll(async () => {
  t = await startTestApp();
  owner = await signupTenant(t);
  admin = await createPlatformAdminSession(t);
});
afterAll(async () => t.close());

interface DeadJobView {
  id: string;
  name: string;
  tenant_id: string | null;
  attempts: number;
  last_error: string | null;
  died_at: string;
}

/** A job row in the given state, as the worker leaves it. */
async function job(name: string, status: 'dead' | 'pending', diedSecondsAgo = 0): Promise<string> {
  return asPlatform(t, async (trx) => {
    const result = await sql<{ id: string }>`
      insert into jobs (tenant_id, name, payload, status, attempts, max_attempts, last_error, completed_at)
      values (${owner.tenant.id}, ${name}, '{}', ${status}, 5, 5, ${status === 'dead' ? 'provider down' : null},
              ${status === 'dead' ? sql`now() - make_interval(secs => ${diedSecondsAgo})` : null})
      returning id`.execute(trx);
    return result.rows[0]?.id ?? '';
  });
}

const get = (url: string, headers?: { authorization: string }) => t.server.inject({ method: 'GET', url, ...(headers ? { headers } : {}) });
const replay = (id: string, headers?: { authorization: string }) =>
  t.server.inject({ method: 'POST', url: `/api/v1/platform/jobs/dead/${id}/replay`, ...(headers ? { headers } : {}) });

describe('dead jobs through the platform API', () => {
  test('a business owner gets 403 and no credential 401, on the list and on replay', async () => {
    const id = await job('test.business-cannot-see', 'dead');
    expect((await get('/api/v1/platform/jobs/dead', owner.headers)).statusCode).toBe(403);
    expect(body(await replay(id, owner.headers)).error?.code).toBe('FORBIDDEN');
    expect((await replay(id, owner.headers)).statusCode).toBe(403);
    expect((await get('/api/v1/platform/jobs/dead')).statusCode).toBe(401);
    expect((await replay(id)).statusCode).toBe(401);
    // Nothing moved.
    const state = await asPlatform(t, (trx) => sql<{ status: string }>`select status from jobs where id = ${id}`.execute(trx));
    expect(state.rows[0]?.status).toBe('dead');
  });

  test('lists dead jobs only, most recent first, page by page', async () => {
    const older = await job('test.listed', 'dead', 60);
    const newer = await job('test.listed', 'dead', 5);
    await job('test.listed', 'pending');
    const first = await get('/api/v1/platform/jobs/dead?name=test.listed&limit=1', admin.headers);
    expect(first.statusCode, first.body).toBe(200);
    const firstPage = JSON.parse(first.body) as { data: DeadJobView[]; metadata: { pagination: { cursor: string | null; has_more: boolean } } };
    expect(firstPage.data.map((view) => view.id)).toEqual([newer]);
    expect(firstPage.data[0]).toMatchObject({ name: 'test.listed', tenant_id: owner.tenant.id, attempts: 5, last_error: 'provider down' });
    expect(firstPage.metadata.pagination.has_more).toBe(true);
    const second = await get(
      `/api/v1/platform/jobs/dead?name=test.listed&limit=1&cursor=${firstPage.metadata.pagination.cursor ?? ''}`,
      admin.headers,
    );
    const secondPage = JSON.parse(second.body) as { data: DeadJobView[]; metadata: { pagination: { has_more: boolean } } };
    expect(secondPage.data.map((view) => view.id)).toEqual([older]);
    expect(secondPage.metadata.pagination.has_more).toBe(false);
    expect((await get('/api/v1/platform/jobs/dead?cursor=garbage', admin.headers)).statusCode).toBe(400);
  });

  test('replay puts the job back in the queue with fresh attempts; a second replay or an unknown id is 404', async () => {
    const id = await job('test.replayed', 'dead');
    const replayed = await replay(id, admin.headers);
    expect(replayed.statusCode, replayed.body).toBe(200);
    expect(body(replayed).data).toMatchObject({ id, name: 'test.replayed', status: 'pending', tenant_id: owner.tenant.id });
    const row = await asPlatform(t, (trx) =>
      sql<{ status: string; attempts: number; due: boolean }>`select status, attempts, run_at <= now() as due from jobs where id = ${id}`.execute(trx),
    );
    expect(row.rows[0]).toEqual({ status: 'pending', attempts: 0, due: true });
    expect(body(await get('/api/v1/platform/jobs/dead?name=test.replayed', admin.headers)).data).toEqual([]);

    const again = await replay(id, admin.headers);
    expect(again.statusCode).toBe(404);
    expect(body(again).error?.code).toBe('NOT_FOUND');
    expect((await replay(randomUUID(), admin.headers)).statusCode).toBe(404);
    expect((await replay('not-a-uuid', admin.headers)).statusCode).toBe(400);
  });
});
