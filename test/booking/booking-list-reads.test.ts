/**
 * A page of bookings reads its customers in one statement, not one per booking (no N+1): the
 * server's database handle counts every SELECT on `customers` while the list is answered.
 */
import type { KyselyPlugin, OperationNode, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { makeCatalog, madridSlot, makeTenant, startBookingServer, tokenFor, type BookingTestApp, type Catalog, type TestTenant } from './harness.ts';
import { httpClient } from '../support/http.ts';

/** Whether `node` is a SELECT whose FROM names the table (directly or under an alias). */
function selectsFrom(node: RootOperationNode, table: string): boolean {
  if (node.kind !== 'SelectQueryNode') return false;
  const names = (node.from?.froms ?? []).map((from: OperationNode) => {
    const inner = from.kind === 'AliasNode' ? (from as unknown as { node: OperationNode }).node : from;
    return inner.kind === 'TableNode' ? (inner as unknown as { table: { identifier: { name: string } } }).table.identifier.name : null;
  });
  return names.includes(table);
}

class CustomerReads implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (selectsFrom(args.node, 'customers')) this.count += 1;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

let db: TestDatabase;
let app: BookingTestApp;
let tenant: TestTenant;
let catalog: Catalog;
const reads = new CustomerReads();

beforeAll(async () => {
  db = await openTestDatabase();
  app = await startBookingServer({ ...db, db: db.db.withPlugin(reads) });
  tenant = await makeTenant(db);
  catalog = await makeCatalog(app, tenant);
});
afterAll(async () => {
  await app?.server.close();
  await db?.close();
});

const call = httpClient(() => app.server, { headers: () => ({ authorization: tokenFor(tenant) }) });

it('lists a page of bookings of several customers with one read of the customers, erased ones shown anonymised', async () => {
  const names = ['Ana', 'Berta', 'Carla', 'Dora', 'Eva'];
  const customerIds: string[] = [];
  for (const [index, name] of names.entries()) {
    const booked = await call('POST', '/api/v1/bookings', { body: {
      service_id: catalog.serviceId,
      resource_id: catalog.resourceId,
      start_time: madridSlot(3, `${String(10 + index).padStart(2, '0')}:00`),
      customer: { first_name: name, email: `${name.toLowerCase()}@example.com` },
    } });
    expect(booked.status).toBe(201);
    customerIds.push((booked.body.data as { customer: { id: string } }).customer.id);
  }
  // Ana books twice: her two bookings share the one read.
  expect((await call('POST', '/api/v1/bookings', { body: {
    service_id: catalog.serviceId,
    resource_id: catalog.otherResourceId,
    start_time: madridSlot(3, '16:00'),
    customer: { customer_id: customerIds[0] },
  } })).status).toBe(201);
  expect((await call('DELETE', `/api/v1/customers/${customerIds[4]}`)).status).toBe(200);

  const date = madridSlot(3, '10:00').slice(0, 10);
  reads.count = 0;
  const list = await call('GET', `/api/v1/bookings?from_date=${date}&to_date=${date}&limit=20`);
  expect(list.status).toBe(200);
  expect(reads.count).toBe(1);
  const shown = (list.body.data as Array<{ customer: { id: string; first_name: string; email: string | null } }>).map((booking) => [
    booking.customer.id,
    booking.customer.first_name,
    booking.customer.email,
  ]);
  expect(shown).toEqual([
    [customerIds[0], 'Ana', 'ana@example.com'],
    [customerIds[1], 'Berta', 'berta@example.com'],
    [customerIds[2], 'Carla', 'carla@example.com'],
    [customerIds[3], 'Dora', 'dora@example.com'],
    [customerIds[4], '', null],
    [customerIds[0], 'Ana', 'ana@example.com'],
  ]);
});
