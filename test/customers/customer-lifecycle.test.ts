import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { generateMasterKey, KeyRing } from '../../src/platform/crypto/field-encryption.ts';
import { createKeyRotationJob } from '../../src/platform/crypto/key-rotation.ts';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import {
  assertCustomerCanBook,
  createCustomersModule,
  findOrCreateGuestCustomer,
  STAFF_ENTERED,
  getCustomerForBooking,
  registerVerifiedCustomer,
  runCustomerMaintenance,
  searchCustomerIds,
  systemContext,
  type CustomerMergeParticipant,
  type ErasureParticipant,
} from '../../src/modules/customers/index.ts';
import { updateTenantSettings } from '../../src/modules/tenancy/index.ts';
import { tenantPatchSchema } from '../../src/modules/tenancy/tenancy.schemas.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { createTenant, uniqueSuffix } from './support/customers-app.ts';

const oldKey = generateMasterKey('old');
const newKey = generateMasterKey('new');
const before = new KeyRing({ keys: [oldKey] });

let database: TestDatabase;
let tenant: string;

beforeAll(async () => {
  database = await openTestDatabase();
  tenant = await createTenant(database);
});

afterAll(async () => {
  await database?.close();
});

const guestInput = () => {
  const suffix = uniqueSuffix();
  return { first_name: 'Guest', last_name: `Person${suffix}`, email: `guest.${suffix}@example.com`, phone: `+4915${randomInt(100_000_000, 999_999_999)}` };
};

describe('guest customers for bookings', () => {
  it('creates a guest once and matches it again by email or by phone', async () => {
    const input = guestInput();
    const first = await withTenant(database.db, tenant, (trx) => findOrCreateGuestCustomer(trx, before, tenant, input, STAFF_ENTERED));
    expect(first).toMatchObject({ created: true, type: 'guest', status: 'active', email: input.email, phone: input.phone });
    const byEmail = await withTenant(database.db, tenant, (trx) =>
      findOrCreateGuestCustomer(trx, before, tenant, { first_name: 'Someone else', email: input.email.toUpperCase() }, STAFF_ENTERED),
    );
    expect(byEmail).toMatchObject({ created: false, id: first.id, first_name: 'Guest' });
    const byPhone = await withTenant(database.db, tenant, (trx) =>
      findOrCreateGuestCustomer(trx, before, tenant, { first_name: 'G', phone: input.phone }, STAFF_ENTERED),
    );
    expect(byPhone.id).toBe(first.id);
    const read = await withTenant(database.db, tenant, (trx) => getCustomerForBooking(trx, before, tenant, first.id));
    expect(read).toMatchObject({ id: first.id, first_name: 'Guest', email: input.email, language: null });
  });

  it('creates one customer when two bookings race with the same new email', async () => {
    const input = guestInput();
    const results = await Promise.all(
      [0, 1, 2].map(() => withTenant(database.db, tenant, (trx) => findOrCreateGuestCustomer(trx, before, tenant, input, STAFF_ENTERED))),
    );
    expect(new Set(results.map((result) => result.id)).size).toBe(1);
    expect(results.filter((result) => result.created)).toHaveLength(1);
  });

  it('refuses a banned customer with CUSTOMER_BANNED and bad input with VALIDATION_ERROR', async () => {
    const input = guestInput();
    const guest = await withTenant(database.db, tenant, (trx) => findOrCreateGuestCustomer(trx, before, tenant, input, STAFF_ENTERED));
    await withTenant(database.db, tenant, (trx) =>
      trx.updateTable('customers').set({ status: 'banned' }).where('tenant_id', '=', tenant).where('id', '=', guest.id).execute(),
    );
    await expect(
      withTenant(database.db, tenant, (trx) => findOrCreateGuestCustomer(trx, before, tenant, { first_name: 'X', email: input.email }, STAFF_ENTERED)),
    ).rejects.toMatchObject({ code: 'CUSTOMER_BANNED', status: 403 });
    const banned = await withTenant(database.db, tenant, (trx) => getCustomerForBooking(trx, before, tenant, guest.id));
    expect(() => assertCustomerCanBook(banned)).toThrow(expect.objectContaining({ code: 'CUSTOMER_BANNED' }));
    await expect(
      withTenant(database.db, tenant, (trx) => findOrCreateGuestCustomer(trx, before, tenant, { first_name: 'X' }, STAFF_ENTERED)),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(
      withTenant(database.db, tenant, (trx) => findOrCreateGuestCustomer(trx, before, tenant, { first_name: 'X', phone: '612345678' }, STAFF_ENTERED)),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('does not find another tenant\'s customer', async () => {
    const other = await createTenant(database);
    const input = guestInput();
    const mine = await withTenant(database.db, tenant, (trx) => findOrCreateGuestCustomer(trx, before, tenant, input, STAFF_ENTERED));
    const theirs = await withTenant(database.db, other, (trx) => findOrCreateGuestCustomer(trx, before, other, input, STAFF_ENTERED));
    expect(theirs.created).toBe(true);
    expect(theirs.id).not.toBe(mine.id);
    await expect(withTenant(database.db, other, (trx) => getCustomerForBooking(trx, before, other, mine.id))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('key rotation', () => {
  it('re-encrypts every row under the new key in batches, keeping lookups working throughout', async () => {
    const rotationTenant = await createTenant(database);
    const inputs = Array.from({ length: 5 }, guestInput);
    for (const input of inputs) {
      await withTenant(database.db, rotationTenant, (trx) => findOrCreateGuestCustomer(trx, before, rotationTenant, input, STAFF_ENTERED));
    }
    const after = new KeyRing({ keys: [newKey, oldKey] });
    const module = createCustomersModule({ db: database.db, keyRing: after });
    const job = createKeyRotationJob({ keyRing: after, targets: module.reencryptionTargets, batchSize: 2 });
    const context = { db: database.db, jobId: 'test', tenantId: rotationTenant, attempt: 1, signal: new AbortController().signal };

    // While half-way, old and new rows are both readable and matchable.
    await job.handle({ batch: 0 }, context);
    const kids = async () =>
      withTenant(database.db, rotationTenant, async (trx) =>
        (
          await sql<{ key_id: string; count: number }>`
            select key_id, count(*)::int as count from customers where tenant_id = ${rotationTenant} group by key_id order by key_id`.execute(trx)
        ).rows,
      );
    expect(await kids()).toEqual([
      { key_id: 'new', count: 2 },
      { key_id: 'old', count: 3 },
    ]);
    for (const input of inputs) {
      const found = await withTenant(database.db, rotationTenant, (trx) =>
        findOrCreateGuestCustomer(trx, after, rotationTenant, { first_name: 'x', email: input.email }, STAFF_ENTERED),
      );
      expect(found.created).toBe(false);
    }
    // The job queued its continuation; run batches until nothing is left.
    for (let batch = 1; batch < 5; batch += 1) await job.handle({ batch }, context);
    expect(await kids()).toEqual([{ key_id: 'new', count: 5 }]);
    const queued = await sql<{ count: number }>`
      select count(*)::int as count from jobs where name = 'crypto.rotate-keys' and tenant_id = ${rotationTenant}`.execute(database.db);
    expect(queued.rows[0]?.count).toBeGreaterThan(0);

    // The old key can now be retired (kept only for blind indexes).
    const retired = new KeyRing({ keys: [newKey, oldKey], blindIndexKid: 'old' });
    const onlyNew = new KeyRing({ keys: [newKey] });
    for (const input of inputs) {
      const customer = await withTenant(database.db, rotationTenant, (trx) =>
        findOrCreateGuestCustomer(trx, retired, rotationTenant, { first_name: 'x', email: input.email }, STAFF_ENTERED),
      );
      const decrypted = await withTenant(database.db, rotationTenant, (trx) => getCustomerForBooking(trx, onlyNew, rotationTenant, customer.id));
      expect(decrypted.email).toBe(input.email);
    }
  });
});

describe('retention', () => {
  it('erases guests unseen for 24 months through the erasure participants, and keeps recent ones', async () => {
    const retentionTenant = await createTenant(database);
    const erased: string[] = [];
    const participant: ErasureParticipant = {
      name: 'bookings',
      async erase(_trx, _tenantId, customerId, context) {
        expect(context.reason).toBe('retention_expired');
        erased.push(customerId);
        return { deleted: [], retained: [] };
      },
    };
    const module = createCustomersModule({ db: database.db, keyRing: before, dataHolders: [{ erasureParticipants: [participant] }] });
    const stale = await withTenant(database.db, retentionTenant, (trx) => findOrCreateGuestCustomer(trx, before, retentionTenant, guestInput(), STAFF_ENTERED));
    const fresh = await withTenant(database.db, retentionTenant, (trx) => findOrCreateGuestCustomer(trx, before, retentionTenant, guestInput(), STAFF_ENTERED));
    await withTenant(database.db, retentionTenant, (trx) =>
      trx
        .updateTable('customers')
        .set({ last_activity_at: sql<Date>`now() - interval '25 months'` })
        .where('tenant_id', '=', retentionTenant)
        .where('id', '=', stale.id)
        .execute(),
    );
    const report = await runCustomerMaintenance({ db: database.db, registry: module.registry }, retentionTenant);
    expect(report.guestsErased).toBe(1);
    expect(erased).toEqual([stale.id]);
    await expect(
      withTenant(database.db, retentionTenant, (trx) => getCustomerForBooking(trx, before, retentionTenant, stale.id)),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await withTenant(database.db, retentionTenant, (trx) => getCustomerForBooking(trx, before, retentionTenant, fresh.id))).id).toBe(
      fresh.id,
    );
    // Every tenant with customers has its next daily run queued.
    const scheduled = await sql<{ count: number }>`
      select count(*)::int as count from jobs
      where name = 'customers.maintenance' and tenant_id = ${retentionTenant} and status = 'pending'`.execute(database.db);
    expect(scheduled.rows[0]?.count).toBe(1);
  });
});

describe('retention the business chose', () => {
  it('a business keeping guests 12 months erases one unseen for 13 months, which the default (24) would keep; out-of-range settings are refused', async () => {
    const shortTenant = await createTenant(database);
    const module = createCustomersModule({ db: database.db, keyRing: before });
    const ageGuest = async (tenantId: string, months: number) => {
      const guest = await withTenant(database.db, tenantId, (trx) => findOrCreateGuestCustomer(trx, before, tenantId, guestInput(), STAFF_ENTERED));
      await withTenant(database.db, tenantId, (trx) =>
        trx
          .updateTable('customers')
          .set({ last_activity_at: sql<Date>`now() - make_interval(months => ${months})` })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', guest.id)
          .execute(),
      );
      return guest.id;
    };
    const defaultTenant = await createTenant(database);
    await ageGuest(defaultTenant, 13);
    expect((await runCustomerMaintenance({ db: database.db, registry: module.registry }, defaultTenant)).guestsErased).toBe(0);

    await withTenant(database.db, shortTenant, (trx) => updateTenantSettings(trx, shortTenant, { guest_retention_months: 12 }));
    const old = await ageGuest(shortTenant, 13);
    const recent = await ageGuest(shortTenant, 11);
    expect((await runCustomerMaintenance({ db: database.db, registry: module.registry }, shortTenant)).guestsErased).toBe(1);
    await expect(withTenant(database.db, shortTenant, (trx) => getCustomerForBooking(trx, before, shortTenant, old))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await withTenant(database.db, shortTenant, (trx) => getCustomerForBooking(trx, before, shortTenant, recent))).id).toBe(recent);

    expect(tenantPatchSchema.safeParse({ settings: { guest_retention_months: 3 } }).success).toBe(false);
    expect(tenantPatchSchema.safeParse({ settings: { consent_evidence_retention_years: 11 } }).success).toBe(false);
    expect(tenantPatchSchema.safeParse({ settings: { guest_retention_months: 36, consent_evidence_retention_years: 5 } }).success).toBe(true);
  });
});

describe('guest to registered customer (RF5.7)', () => {
  it('turns the guest with the verified email into the registered customer and merges the guest with the verified phone', async () => {
    const accountTenant = await createTenant(database);
    const moved: Array<{ survivorId: string; duplicateId: string }> = [];
    const bookingsMerge: CustomerMergeParticipant = {
      name: 'bookings',
      async reassign(_trx, _tenantId, ids) {
        moved.push(ids);
        return 1;
      },
    };
    const module = createCustomersModule({ db: database.db, keyRing: before, dataHolders: [{ mergeParticipants: [bookingsMerge] }] });
    const input = guestInput();
    const byEmail = await withTenant(database.db, accountTenant, (trx) =>
      findOrCreateGuestCustomer(trx, before, accountTenant, { first_name: 'Typed', email: input.email }, STAFF_ENTERED),
    );
    const byPhone = await withTenant(database.db, accountTenant, (trx) =>
      findOrCreateGuestCustomer(trx, before, accountTenant, { first_name: 'Typed', phone: input.phone }, STAFF_ENTERED),
    );
    const context = systemContext(accountTenant, 'test');
    const result = await withTenant(database.db, accountTenant, (trx) =>
      registerVerifiedCustomer(trx, { keyRing: before, registry: module.registry }, context, {
        first_name: 'Real',
        last_name: 'Name',
        email: input.email,
        phone: input.phone,
        phoneVerified: true,
      }),
    );
    expect(result.outcome).toBe('upgraded');
    expect(result.customer).toMatchObject({ id: byEmail.id, type: 'registered', first_name: 'Real', email: input.email, phone: input.phone });
    expect(result.customer.email_verified_at).not.toBeNull();
    expect(result.customer.phone_verified_at).not.toBeNull();
    expect(result.mergedCustomerIds).toEqual([byPhone.id]);
    expect(moved).toEqual([{ survivorId: byEmail.id, duplicateId: byPhone.id }]);

    await expect(
      withTenant(database.db, accountTenant, (trx) =>
        registerVerifiedCustomer(trx, { keyRing: before, registry: module.registry }, context, { first_name: 'Again', email: input.email }),
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('never attaches history through an unverified phone', async () => {
    const accountTenant = await createTenant(database);
    const module = createCustomersModule({ db: database.db, keyRing: before });
    const input = guestInput();
    const guest = await withTenant(database.db, accountTenant, (trx) =>
      findOrCreateGuestCustomer(trx, before, accountTenant, { first_name: 'Guest', phone: input.phone }, STAFF_ENTERED),
    );
    const result = await withTenant(database.db, accountTenant, (trx) =>
      registerVerifiedCustomer(trx, { keyRing: before, registry: module.registry }, systemContext(accountTenant, 'test'), {
        first_name: 'New',
        email: input.email,
        phone: input.phone,
      }),
    );
    expect(result).toMatchObject({ outcome: 'created', mergedCustomerIds: [] });
    expect(result.customer.id).not.toBe(guest.id);
    expect(result.customer.phone).toBeNull();
  });
});

describe('search for other modules', () => {
  it('finds customer ids by email, phone or name prefix, like the list endpoint', async () => {
    const searchTenant = await createTenant(database);
    const input = guestInput();
    const guest = await withTenant(database.db, searchTenant, (trx) => findOrCreateGuestCustomer(trx, before, searchTenant, input, STAFF_ENTERED));
    const search = (text: string) => withTenant(database.db, searchTenant, (trx) => searchCustomerIds(trx, before, searchTenant, text));
    expect(await search(input.email.toUpperCase())).toEqual([guest.id]);
    expect(await search(input.phone)).toEqual([guest.id]);
    expect(await search(input.last_name.slice(0, 8))).toEqual([guest.id]);
    expect(await search('zz')).toEqual([]);
    expect(await withTenant(database.db, tenant, (trx) => searchCustomerIds(trx, before, tenant, input.email))).toEqual([]);
  });
});
