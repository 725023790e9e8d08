import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Temporal } from 'temporal-polyfill';
import { seedDemoCatalog } from '../../src/modules/catalog/index.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { makeTenant, startTestServer, type TestServer } from './harness.ts';

let handle: TestDatabase;
let app: TestServer;
beforeAll(async () => {
  handle = await openTestDatabase();
  app = await startTestServer(handle);
});
afterAll(async () => {
  await app?.server.close();
  await handle.close();
});

describe('seedDemoCatalog', () => {
  it('gives the demo tenant bookable services, including the massage that needs a room', async () => {
    const tenant = await makeTenant(handle);
    const { catalog, scheduling } = app;
    const demo = await seedDemoCatalog(catalog, scheduling, tenant.tenantId);
    let date = Temporal.Now.plainDateISO('Europe/Madrid').add({ days: 7 });
    while (date.dayOfWeek !== 2) date = date.add({ days: 1 });
    const query = (serviceId: string) =>
      scheduling.availability.getAvailability(tenant.tenantId, { service_id: serviceId, from_date: date.toString(), to_date: date.toString() });
    const corte = await query(demo.serviceIds.corte);
    expect(corte.resources).toHaveLength(2);
    expect(corte.resources[0]?.dates[0]?.slots[0]?.start_time.slice(11, 16)).toBe('09:30');
    const masaje = await query(demo.serviceIds.masaje);
    expect(masaje.resources.map((entry) => entry.resource.name)).toEqual(['Lucía']);
    expect(masaje.resources[0]?.dates[0]?.slots.some((slot) => slot.available)).toBe(true);
  });
});
