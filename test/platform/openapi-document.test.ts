/**
 * The generated OpenAPI document as clients read it: one unique operationId per
 * operation, security that matches each route's declared access, and the error
 * envelope on the error statuses the platform can answer with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/factories.ts';

type Operation = {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { $ref?: string }>;
  parameters?: Array<{ $ref?: string }>;
  'x-required-permission'?: { action: string; subject: string };
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string; in?: string; name?: string }>; responses: Record<string, unknown> };
};

let t: TestApp;
let doc: Document;
const operations = (): Array<[string, Operation]> =>
  Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${path}`, operation]));

beforeAll(async () => {
  t = await startTestApp();
  const response = await t.server.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect(response.statusCode).toBe(200);
  doc = JSON.parse(response.body) as Document;
});
afterAll(async () => {
  await t?.close();
});

describe('OpenAPI document', () => {
  it('gives every operation a unique operationId', () => {
    const ids = operations().map(([name, operation]) => operation.operationId ?? `missing on ${name}`);
    expect(ids.filter((id) => id.startsWith('missing'))).toEqual([]);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
    expect(doc.paths['/api/v1/bookings/{id}']?.get?.operationId).toBe('getBookingsById');
  });

  it('declares bearer tokens, API keys and the X-Tenant header', () => {
    expect(doc.components.securitySchemes).toMatchObject({
      bearerJwt: { type: 'http', scheme: 'bearer' },
      apiKey: { type: 'http', scheme: 'bearer' },
      tenant: { type: 'apiKey', in: 'header', name: 'X-Tenant' },
    });
  });

  it('applies security from the declared access of each route', () => {
    const listBookings = doc.paths['/api/v1/bookings']?.get;
    expect(listBookings?.security).toEqual([{ bearerJwt: [] }, { apiKey: [] }]);
    expect(listBookings?.['x-required-permission']).toEqual({ action: 'read', subject: 'Booking' });
    expect(doc.paths['/api/v1/bookings']?.post?.security).toEqual([{ tenant: [] }, { bearerJwt: [] }, { apiKey: [] }]);
    expect(doc.paths['/api/v1/plans']?.get?.security).toEqual([]);
    for (const [name, operation] of operations()) expect(operation.security, name).toBeDefined();
  });

  it('declares the error envelope on the statuses each operation can answer', () => {
    const patchBooking = doc.paths['/api/v1/bookings/{id}']?.patch;
    for (const status of ['400', '401', '403', '404', '409', '422', '429', '500']) {
      expect(patchBooking?.responses[status]?.$ref, `PATCH booking ${status}`).toMatch(/^#\/components\/responses\/\w+$/);
    }
    for (const [name, operation] of operations()) {
      expect(Object.keys(operation.responses), name).toEqual(expect.arrayContaining(['400', '429', '500']));
      if (operation.security?.some((requirement) => 'bearerJwt' in requirement)) expect(operation.responses['401'], name).toBeDefined();
      if (operation['x-required-permission']) expect(operation.responses['403'], name).toBeDefined();
    }
    expect(doc.components.responses.Conflict).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } } });
    expect(doc.paths['/api/v1/plans']?.get?.responses['401']).toBeUndefined();
    expect(doc.paths['/api/v1/bookings']?.post?.parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
  });
});
