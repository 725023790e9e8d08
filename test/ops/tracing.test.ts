/**
 * OpenTelemetry traces of a booking, as the product sends them: `node src/main.ts start` with
 * OTEL_EXPORTER_OTLP_ENDPOINT pointed at a local OTLP/HTTP receiver. The request's span continues
 * the caller's `traceparent`; its queries are its children; the jobs it queued (the event fan-out,
 * then the work the fan-out queued) continue the same trace through the jobs table; and the
 * product's log lines carry the trace id.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ProductProcess } from '../support/product-process.ts';

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

interface OtlpAttribute {
  key: string;
  value: Record<string, unknown>;
}

interface OtlpExport {
  resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Array<Omit<ReceivedSpan, 'attributes'> & { attributes?: OtlpAttribute[] }> }> }>;
}

/** OTLP/JSON ids are hex; tolerate base64 too. */
const hex = (id: string | undefined): string => (!id ? '' : /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex'));

const spans: ReceivedSpan[] = [];
let receiver: Server;
const product = new ProductProcess();

beforeAll(async () => {
  const port = await freePort();
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport;
        for (const resource of body.resourceSpans ?? []) {
          for (const scope of resource.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              spans.push({
                traceId: hex(span.traceId),
                spanId: hex(span.spanId),
                parentSpanId: hex(span.parentSpanId),
                name: span.name,
                kind: span.kind,
                attributes: Object.fromEntries((span.attributes ?? []).map((attribute) => [attribute.key, Object.values(attribute.value)[0]])),
              });
            }
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
  await product.start({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_BSP_SCHEDULE_DELAY: '100', LOG_LEVEL: 'info' });
}, 180_000);

afterAll(async () => {
  await product.stop();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('traces of a booking', () => {
  it('run from the HTTP request through its queries to the jobs it queued, and the logs carry the trace id', async () => {
    // The demo owner's password as `start` printed it (random on PostgreSQL, well known on the embedded database).
    const password = /owner@demo\.reservehub\.test \/ (\S+)/.exec(product.output.join(''))?.[1] ?? '';
    const login = await fetch(`${product.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@demo.reservehub.test', password, tenant_slug: 'demo' }),
    });
    expect(login.status).toBe(200);
    const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const services = (await (await fetch(`${product.baseUrl}/api/v1/services`, { headers })).json()) as { data: Array<{ id: string }> };
    const serviceId = services.data[0]?.id ?? '';
    const from = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 16 * 86_400_000).toISOString().slice(0, 10);
    const availability = (await (
      await fetch(`${product.baseUrl}/api/v1/availability?service_id=${serviceId}&from_date=${from}&to_date=${to}`, { headers: { 'x-tenant': 'demo' } })
    ).json()) as { data: { resources: Array<{ resource: { id: string }; dates: Array<{ slots: Array<{ start_time: string; available: boolean }> }> }> } };
    const free = availability.data.resources.flatMap((entry) =>
      entry.dates.flatMap((date) => date.slots.filter((slot) => slot.available).map((slot) => ({ resourceId: entry.resource.id, start: slot.start_time }))),
    );
    const slot = free[0];
    expect(slot, 'the demo business has a free time').toBeDefined();

    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const created = await fetch(`${product.baseUrl}/api/v1/bookings`, {
      method: 'POST',
      headers: { ...headers, traceparent: `00-${traceId}-${callerSpanId}-01` },
      body: JSON.stringify({
        service_id: serviceId,
        resource_id: slot?.resourceId,
        start_time: slot?.start,
        customer: { first_name: 'Traza', email: `traza-${traceId.slice(0, 8)}@example.com` },
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);

    const ofTrace = () => spans.filter((span) => span.traceId === traceId);
    // The request, its queries, the event fan-out job and at least one job the fan-out queued.
    await expect
      .poll(() => {
        const fanouts = ofTrace().filter((span) => span.name === 'job events.fanout').map((span) => span.spanId);
        return ofTrace().some((span) => span.name.startsWith('job ') && fanouts.includes(span.parentSpanId));
      }, { timeout: 30_000, interval: 200 })
      .toBe(true);

    const request = ofTrace().find((span) => span.name === 'POST /api/v1/bookings');
    expect(request?.parentSpanId, 'the request continues the caller’s trace').toBe(callerSpanId);
    expect(request?.kind).toBe(2); // SERVER
    const queries = ofTrace().filter((span) => span.name.startsWith('db ') && span.parentSpanId === request?.spanId);
    expect(queries.map((span) => span.name)).toEqual(expect.arrayContaining(['db insert']));
    // Parameterized SQL only: the customer's address never reaches a span.
    expect(JSON.stringify(ofTrace())).not.toContain('@example.com');

    const fanouts = ofTrace().filter((span) => span.name === 'job events.fanout');
    expect(fanouts.length, 'the event fan-out jobs continue the request').toBeGreaterThan(0);
    expect(fanouts.every((span) => span.parentSpanId === request?.spanId)).toBe(true);
    const queued = ofTrace().filter((span) => span.name.startsWith('job ') && fanouts.some((fanout) => fanout.spanId === span.parentSpanId));
    expect(queued.length).toBeGreaterThan(0);
    expect(queued[0]?.attributes['job.outcome']).toBeDefined();

    const logLines = product.output.join('').split('\n').filter((line) => line.includes(`"trace_id":"${traceId}"`));
    expect(logLines.length, 'log lines of the request carry its trace id').toBeGreaterThan(0);
  });
});
