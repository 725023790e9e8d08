import { describe, expect, it, vi } from 'vitest';
import { ApiError } from './api-error.ts';
import { createApiClient } from './client.ts';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A fetch stub that records each request and answers from `answers` in turn. */
function stubFetch(...answers: Array<() => Response>) {
  const seen: Seen[] = [];
  const fetch = vi.fn(async (request: Request) => {
    seen.push({ method: request.method, url: request.url, headers: Object.fromEntries(request.headers), body: await request.text() });
    const answer = answers[seen.length - 1];
    if (!answer) throw new Error(`unexpected request ${seen.length}: ${request.method} ${request.url}`);
    return answer();
  });
  return { fetch, seen };
}

const json = (status: number, body: unknown) => () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'x-request-id': 'req-1' } });
const success = (data: unknown, status = 200) => json(status, { success: true, data, metadata: { timestamp: '2026-01-01T00:00:00Z' } });
const failure = (status: number, code: string, details?: unknown) =>
  json(status, { success: false, error: { code, message: `${code} message`, ...(details === undefined ? {} : { details }) }, metadata: { timestamp: '2026-01-01T00:00:00Z' } });

const booking = {
  service_id: '7b0b7a52-3b3c-4d4e-8f9a-0a1b2c3d4e5f',
  resource_id: '7b0b7a52-3b3c-4d4e-8f9a-0a1b2c3d4e60',
  start_time: '2026-03-29T09:00:00+02:00',
  customer: { first_name: 'Ana', email: 'ana@example.com' },
};

describe('createApiClient', () => {
  it('returns the envelope data and names the business with X-Tenant', async () => {
    const { fetch, seen } = stubFetch(success([{ id: 'starter' }]));
    const api = createApiClient({ baseUrl: 'http://api.test', tenant: () => 'demo', language: () => 'es', fetch });
    const plans = await api.get('/api/v1/plans');
    expect(plans).toEqual([{ id: 'starter' }]);
    expect(seen[0]).toMatchObject({ method: 'GET', url: 'http://api.test/api/v1/plans', headers: { 'x-tenant': 'demo', 'accept-language': 'es' } });
    expect(seen[0]?.headers['idempotency-key']).toBeUndefined();
  });

  it('throws ApiError with the code, status, details and request id of the failure envelope', async () => {
    const details = [{ field: 'body.start_time', message: 'Required' }];
    const { fetch } = stubFetch(failure(409, 'SLOT_UNAVAILABLE', details));
    const api = createApiClient({ fetch, baseUrl: 'http://api.test' });
    const error = await api.post('/api/v1/bookings', { body: booking }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'SLOT_UNAVAILABLE', status: 409, details, requestId: 'req-1', message: 'SLOT_UNAVAILABLE message' });
  });

  it('sends a fresh Idempotency-Key on every POST and PATCH', async () => {
    let counter = 0;
    const { fetch, seen } = stubFetch(success({ id: 'b1' }, 201), success({ id: 'b2' }, 201));
    const api = createApiClient({ fetch, baseUrl: 'http://api.test', idempotencyKey: () => `key-${++counter}` });
    await api.post('/api/v1/bookings', { body: booking });
    await api.post('/api/v1/bookings', { body: booking });
    expect(seen.map((request) => request.headers['idempotency-key'])).toEqual(['key-1', 'key-2']);
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual(booking);
  });

  it('refreshes the token once on 401 and retries with the same body and Idempotency-Key', async () => {
    let token = 'old';
    const refresh = vi.fn(async () => (token = 'new'));
    const { fetch, seen } = stubFetch(failure(401, 'UNAUTHENTICATED'), success({ id: 'b1' }, 201));
    const api = createApiClient({ fetch, baseUrl: 'http://api.test', accessToken: () => token, refreshAccessToken: refresh });
    await expect(api.post('/api/v1/bookings', { body: booking })).resolves.toEqual({ id: 'b1' });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(seen.map((request) => request.headers.authorization)).toEqual(['Bearer old', 'Bearer new']);
    expect(seen[1]?.headers['idempotency-key']).toBe(seen[0]?.headers['idempotency-key']);
    expect(seen[1]?.body).toBe(seen[0]?.body);
  });

  it('gives up after one refresh: a second 401 is thrown, not retried again', async () => {
    const refresh = vi.fn(async () => 'still-bad');
    const { fetch, seen } = stubFetch(failure(401, 'UNAUTHENTICATED'), failure(401, 'UNAUTHENTICATED'));
    const api = createApiClient({ fetch, baseUrl: 'http://api.test', accessToken: () => 'old', refreshAccessToken: refresh });
    await expect(api.get('/api/v1/bookings')).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(seen).toHaveLength(2);
  });

  it('throws the 401 when the refresh signs the user out', async () => {
    const { fetch, seen } = stubFetch(failure(401, 'UNAUTHENTICATED'));
    const api = createApiClient({ fetch, baseUrl: 'http://api.test', accessToken: () => 'old', refreshAccessToken: async () => null });
    await expect(api.get('/api/v1/bookings')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(seen).toHaveLength(1);
  });

  it('concurrent 401s share one refresh', async () => {
    let token = 'old';
    let release: (value: string) => void = () => undefined;
    const refresh = vi.fn(() => new Promise<string>((resolve) => (release = resolve)).then((fresh) => (token = fresh)));
    const fetch = vi.fn(async (request: Request) =>
      request.headers.get('authorization') === 'Bearer new' ? success([])() : failure(401, 'UNAUTHENTICATED')(),
    );
    const api = createApiClient({ fetch, baseUrl: 'http://api.test', accessToken: () => token, refreshAccessToken: refresh });
    const calls = Promise.all([api.get('/api/v1/bookings'), api.get('/api/v1/customers')]);
    await vi.waitFor(() => expect(refresh).toHaveBeenCalled());
    release('new');
    await expect(calls).resolves.toEqual([[], []]);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('turns an unreachable server into NETWORK_ERROR and a non-envelope answer into INVALID_RESPONSE', async () => {
    const unreachable = createApiClient({ baseUrl: 'http://api.test', fetch: async () => Promise.reject(new TypeError('fetch failed')) });
    await expect(unreachable.get('/api/v1/plans')).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
    const proxyPage = createApiClient({ baseUrl: 'http://api.test', fetch: async () => new Response('<html>Bad gateway</html>', { status: 502 }) });
    await expect(proxyPage.get('/api/v1/plans')).rejects.toMatchObject({ code: 'INVALID_RESPONSE', status: 502 });
  });
});
