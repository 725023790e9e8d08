import { expect, test } from 'vitest';
import { startTestApp } from '../support/factories.ts';
test('the OpenAPI document builds and lists identity, tenancy, audit and platform routes', async () => {
  const t = await startTestApp();
  const r = await t.server.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect(r.statusCode, r.body.slice(0, 500)).toBe(200);
  const doc = JSON.parse(r.body) as { paths: Record<string, unknown> };
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/signup', '/api/v1/tenants/{id}/upgrade', '/api/v1/audit-logs', '/api/v1/platform/impersonations']));
  await t.close();
});
