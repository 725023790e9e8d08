import { afterAll, beforeAll, expect, test } from 'vitest';
import { EMBEDDED_DEMO_PASSWORD, seedDemo } from '../../src/seed/demo.ts';
import { login, startTestApp, type TestApp } from '../support/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

test('demo seed creates the salon with an owner and a staff account once, and prints their credentials', async () => {
  const embeddedConfig = { ...t.config, DATABASE_URL: undefined };
  const seeded = await seedDemo(t.db.db, embeddedConfig);
  expect(seeded?.summary).toContain('owner@demo.reservehub.test');
  expect(seeded?.summary).toContain(EMBEDDED_DEMO_PASSWORD);
  expect(await seedDemo(t.db.db, embeddedConfig)).toBeNull();
  const owner = await login(t, { email: 'owner@demo.reservehub.test', password: EMBEDDED_DEMO_PASSWORD, tenant_slug: 'demo' });
  expect(owner.status).toBe(200);
  const staff = await login(t, { email: 'staff@demo.reservehub.test', password: EMBEDDED_DEMO_PASSWORD });
  expect(staff.status).toBe(200);
});
