/**
 * Attacks on privilege among a business's own people, over HTTP against the whole app: granting
 * roles or permissions one does not hold (invitations, role changes, custom roles, API keys),
 * changing one's own role, touching owners from below, leaving a business without an owner,
 * reading the waitlist without the business-wide reads, and customer-role members registering
 * push endpoints for other customers.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BrowserSubscription } from '../notifications/push-service-fake.ts';
import { bearer, createUserWithRole, signupTenant, startTestApp, type Actor, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient, type HttpResponse } from '../support/http.ts';

let t: TestApp;
let owner: TenantOwner;

beforeAll(async () => {
  // Push endpoints on loopback are allowed here so a registration that gets past the permission check succeeds.
  t = await startTestApp({ PUSH_ALLOW_PRIVATE: 'true' });
  owner = await signupTenant(t);
});
afterAll(async () => t?.close());

const call = httpClient(() => t.server);

function expectCode(response: HttpResponse, status: number, code: string): void {
  expect(response.status, response.text).toBe(status);
  expect(response.body.error?.code, response.text).toBe(code);
}

async function createRole(by: Pick<Actor, 'headers'>, name: string, permissions: string[]): Promise<string> {
  const response = await call<{ id: string }>('POST', '/api/v1/roles', { headers: by.headers, body: { name: `${name} ${randomUUID().slice(0, 6)}`, permissions } });
  expect(response.status, response.text).toBe(201);
  return response.body.data.id;
}

const email = (label: string): string => `${label}-${randomUUID().slice(0, 8)}@example.test`;
const roleOf = async (userId: string): Promise<{ role: string; custom_role_id: string | null; status: string }> =>
  (await call<{ role: string; custom_role_id: string | null; status: string }>('GET', `/api/v1/users/${userId}`, { headers: owner.headers })).body.data;

const CATALOGUE_READS = ['read:Business', 'read:Location', 'read:Service', 'read:Resource', 'read:Schedule'];
/** Everything the staff role reaches (its own-resource booking update counted as granted). */
const STAFF_POWERS = [...CATALOGUE_READS, 'read:Booking', 'update:Booking', 'read:Customer'];

/** A team lead the owner set up: may invite and re-role people, holding about what staff hold. */
let lead: Actor;
let leadRoleId: string;
beforeAll(async () => {
  leadRoleId = await createRole(owner, 'Team lead', ['read:User', 'create:User', 'update:User', ...STAFF_POWERS]);
  lead = await createUserWithRole(t, owner, 'custom', { customRoleId: leadRoleId });
});

describe('rule 6: nobody grants a role or permission they do not hold', () => {
  test('inviting: a lead may invite staff (all of it held) but not a manager or receptionist (beyond them)', async () => {
    const staff = await call('POST', '/api/v1/users/invitations', { headers: lead.headers, body: { email: email('staff'), role: 'staff' } });
    expect(staff.status, staff.text).toBe(201);
    for (const role of ['manager', 'receptionist']) {
      const response = await call('POST', '/api/v1/users/invitations', { headers: lead.headers, body: { email: email(role), role } });
      expectCode(response, 403, 'ROLE_ESCALATION');
      expect(response.body.error?.details).toMatchObject({ reason: 'beyond' });
    }
  });

  test('changing a role: a lead cannot make a staff member a manager', async () => {
    const member = await createUserWithRole(t, owner, 'staff');
    expectCode(await call('PATCH', `/api/v1/users/${member.userId}`, { headers: lead.headers, body: { role: 'manager' } }), 403, 'ROLE_ESCALATION');
    expect((await roleOf(member.userId)).role).toBe('staff');
  });

  test('custom roles: one whose permissions exceed the assigner’s can be neither invited with nor assigned', async () => {
    const cashier = await createRole(owner, 'Cashier', ['read:Payment', 'refund:Payment']);
    const invite = await call('POST', '/api/v1/users/invitations', { headers: lead.headers, body: { email: email('cashier'), role: 'custom', custom_role_id: cashier } });
    expectCode(invite, 403, 'ROLE_ESCALATION');
    const member = await createUserWithRole(t, owner, 'staff');
    expectCode(await call('PATCH', `/api/v1/users/${member.userId}`, { headers: lead.headers, body: { role: 'custom', custom_role_id: cashier } }), 403, 'ROLE_ESCALATION');
    expect((await roleOf(member.userId)).custom_role_id).toBeNull();
  });

  test('members above you cannot be changed or deactivated by you', async () => {
    const manager = await createUserWithRole(t, owner, 'manager');
    expectCode(await call('PATCH', `/api/v1/users/${manager.userId}`, { headers: lead.headers, body: { status: 'deactivated' } }), 403, 'ROLE_ESCALATION');
    expectCode(await call('PATCH', `/api/v1/users/${manager.userId}`, { headers: lead.headers, body: { role: 'staff' } }), 403, 'ROLE_ESCALATION');
    expect(await roleOf(manager.userId)).toMatchObject({ role: 'manager', status: 'active' });
  });
});

describe('rule 6: nobody changes their own role', () => {
  test('a lead cannot re-role themself, even downwards into what they hold', async () => {
    // A lead of their own, so that a regression here cannot change the shared lead for later tests.
    const self = await createUserWithRole(t, owner, 'custom', { customRoleId: leadRoleId });
    expectCode(await call('PATCH', `/api/v1/users/${self.userId}`, { headers: self.headers, body: { role: 'staff' } }), 403, 'ROLE_ESCALATION');
    expect((await roleOf(self.userId)).custom_role_id).toBe(leadRoleId);
  });

  test('an owner cannot re-role themself either while another owner exists; the other owner can', async () => {
    const second = await createUserWithRole(t, owner, 'business_admin');
    expectCode(await call('PATCH', `/api/v1/users/${second.userId}`, { headers: second.headers, body: { role: 'manager' } }), 403, 'ROLE_ESCALATION');
    const byOther = await call('PATCH', `/api/v1/users/${second.userId}`, { headers: owner.headers, body: { role: 'manager' } });
    expect(byOther.status, byOther.text).toBe(200);
  });
});

describe('rule 6: only owners grant business_admin and owner-level roles', () => {
  test('a lead cannot invite or promote to business_admin', async () => {
    expectCode(await call('POST', '/api/v1/users/invitations', { headers: lead.headers, body: { email: email('boss'), role: 'business_admin' } }), 403, 'ROLE_ESCALATION');
    const member = await createUserWithRole(t, owner, 'staff');
    expectCode(await call('PATCH', `/api/v1/users/${member.userId}`, { headers: lead.headers, body: { role: 'business_admin' } }), 403, 'ROLE_ESCALATION');
  });

  test('a lead cannot hand out a role that administers the team, not even their own', async () => {
    const invite = await call('POST', '/api/v1/users/invitations', { headers: lead.headers, body: { email: email('lead2'), role: 'custom', custom_role_id: leadRoleId } });
    expectCode(invite, 403, 'ROLE_ESCALATION');
    expect(invite.body.error?.details).toMatchObject({ reason: 'owner_level' });
  });

  test('an API key holding every team permission still cannot make anyone business_admin', async () => {
    const created = await call<{ key: string }>('POST', '/api/v1/api-keys', { headers: owner.headers, body: { name: 'HR sync', permissions: ['read:User', 'create:User', 'update:User'] } });
    expect(created.status, created.text).toBe(201);
    const key = bearer(created.body.data.key);
    expectCode(await call('POST', '/api/v1/users/invitations', { headers: key, body: { email: email('keyboss'), role: 'business_admin' } }), 403, 'ROLE_ESCALATION');
  });

  test('owners cannot be demoted or deactivated by a non-owner', async () => {
    expectCode(await call('PATCH', `/api/v1/users/${owner.userId}`, { headers: lead.headers, body: { role: 'staff' } }), 403, 'ROLE_ESCALATION');
    expectCode(await call('PATCH', `/api/v1/users/${owner.userId}`, { headers: lead.headers, body: { status: 'deactivated' } }), 403, 'ROLE_ESCALATION');
    expect(await roleOf(owner.userId)).toMatchObject({ role: 'business_admin', status: 'active' });
  });
});

describe('rule 6: the last owner stays', () => {
  test('the only owner cannot deactivate or demote themself (409)', async () => {
    const solo = await signupTenant(t);
    expectCode(await call('PATCH', `/api/v1/users/${solo.userId}`, { headers: solo.headers, body: { status: 'deactivated' } }), 409, 'CONFLICT');
    expectCode(await call('PATCH', `/api/v1/users/${solo.userId}`, { headers: solo.headers, body: { role: 'manager' } }), 409, 'CONFLICT');
  });

  test('two owners demoting each other at once leave one owner', async () => {
    // On PostgreSQL both requests can pass authentication before either commits; the owners' rows
    // are locked, so the second sees one owner left (409). On the embedded database, or when the
    // first commits before the second authenticates, the second caller is no longer an owner (403)
    // — or, when the winner deactivated them, no longer signed in at all (401).
    for (let round = 0; round < 3; round += 1) {
      const business = await signupTenant(t);
      const second = await createUserWithRole(t, business, 'business_admin');
      const [first, other] = await Promise.all([
        call('PATCH', `/api/v1/users/${second.userId}`, { headers: business.headers, body: { role: 'manager' } }),
        call('PATCH', `/api/v1/users/${business.userId}`, { headers: second.headers, body: { status: 'deactivated' } }),
      ]);
      const statuses = [first.status, other.status];
      expect(statuses.filter((status) => status === 200), `${first.text} ${other.text}`).toHaveLength(1);
      expect(statuses.filter((status) => status === 401 || status === 403 || status === 409), `${first.text} ${other.text}`).toHaveLength(1);
      const owners = await sql<{ count: number }>`
        select count(*)::int as count from memberships
        where tenant_id = ${business.tenant.id} and role = 'business_admin' and status = 'active'`.execute(t.db.db);
      expect(owners.rows[0]?.count).toBe(1);
    }
  });
});

describe('rule 6: custom roles are defined and edited within the editor’s own permissions', () => {
  let editor: Actor;
  beforeAll(async () => {
    const editorRole = await createRole(owner, 'Role editor', ['read:Role', 'create:Role', 'update:Role', 'delete:Role', 'read:Booking', 'create:Booking']);
    editor = await createUserWithRole(t, owner, 'custom', { customRoleId: editorRole });
  });

  test('creating a role beyond the editor answers ROLE_ESCALATION; within, 201', async () => {
    expectCode(await call('POST', '/api/v1/roles', { headers: editor.headers, body: { name: 'Refunder', permissions: ['read:Booking', 'refund:Payment'] } }), 403, 'ROLE_ESCALATION');
    // "manage" is every action, cancel_anytime and delete included, which the editor lacks.
    expectCode(await call('POST', '/api/v1/roles', { headers: editor.headers, body: { name: 'Booking boss', permissions: ['manage:Booking'] } }), 403, 'ROLE_ESCALATION');
    const fine = await call('POST', '/api/v1/roles', { headers: editor.headers, body: { name: 'Booker', permissions: ['read:Booking', 'create:Booking'] } });
    expect(fine.status, fine.text).toBe(201);
  });

  test('a non-owner cannot define an owner-level role, even from permissions they hold', async () => {
    expectCode(await call('POST', '/api/v1/roles', { headers: editor.headers, body: { name: 'Role maker', permissions: ['read:Role', 'create:Role'] } }), 403, 'ROLE_ESCALATION');
  });

  test('a role carrying more than the editor can be neither edited nor deleted by them', async () => {
    const cashier = await createRole(owner, 'Till', ['read:Payment', 'refund:Payment']);
    expectCode(await call('PATCH', `/api/v1/roles/${cashier}`, { headers: editor.headers, body: { permissions: ['read:Booking'] } }), 403, 'ROLE_ESCALATION');
    expectCode(await call('PATCH', `/api/v1/roles/${cashier}`, { headers: editor.headers, body: { name: 'Renamed' } }), 403, 'ROLE_ESCALATION');
    expectCode(await call('DELETE', `/api/v1/roles/${cashier}`, { headers: editor.headers }), 403, 'ROLE_ESCALATION');
    const after = (await call<{ permissions: string[] }>('GET', `/api/v1/roles/${cashier}`, { headers: owner.headers })).body.data;
    expect(after.permissions.sort()).toEqual(['read:Payment', 'refund:Payment']);
  });
});

describe('rule 6: API keys carry no more than their creator', () => {
  let keyMaker: Actor;
  beforeAll(async () => {
    const role = await createRole(owner, 'Integrator', ['read:ApiKey', 'create:ApiKey', 'read:Booking']);
    keyMaker = await createUserWithRole(t, owner, 'custom', { customRoleId: role });
  });

  test('a key beyond the creator answers ROLE_ESCALATION; a subset is created', async () => {
    const beyond = await call('POST', '/api/v1/api-keys', { headers: keyMaker.headers, body: { name: 'Exfil', permissions: ['read:Booking', 'read:Customer'] } });
    expectCode(beyond, 403, 'ROLE_ESCALATION');
    expect(beyond.body.error?.details).toMatchObject({ permissions: ['read:Customer'] });
    expectCode(await call('POST', '/api/v1/api-keys', { headers: keyMaker.headers, body: { name: 'All bookings', permissions: ['manage:Booking'] } }), 403, 'ROLE_ESCALATION');
    const fine = await call('POST', '/api/v1/api-keys', { headers: keyMaker.headers, body: { name: 'Reader', permissions: ['read:Booking'] } });
    expect(fine.status, fine.text).toBe(201);
  });

  test('a key created by a key stays within it; no key carries impersonation', async () => {
    const parent = await call<{ key: string }>('POST', '/api/v1/api-keys', { headers: owner.headers, body: { name: 'Parent', permissions: ['create:ApiKey', 'read:Booking'] } });
    const parentKey = bearer(parent.body.data.key);
    expectCode(await call('POST', '/api/v1/api-keys', { headers: parentKey, body: { name: 'Child', permissions: ['read:Customer'] } }), 403, 'ROLE_ESCALATION');
    expectCode(await call('POST', '/api/v1/api-keys', { headers: owner.headers, body: { name: 'Sudo', permissions: ['impersonate:User'] } }), 403, 'ROLE_ESCALATION');
  });
});

describe('rule 13: the waitlist is read with the business-wide booking and customer reads', () => {
  let entryId: string;
  beforeAll(async () => {
    const post = async (url: string, payload: Record<string, unknown>): Promise<string> => {
      const response = await call<{ id: string }>('POST', url, { headers: owner.headers, body: payload });
      expect(response.status, `${url}: ${response.text}`).toBe(201);
      return response.body.data.id;
    };
    const locationId = await post('/api/v1/locations', { name: 'Centro', timezone: 'Europe/Madrid', address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' } });
    const resourceId = await post('/api/v1/resources', { location_id: locationId, name: 'Marta', type: 'staff' });
    const serviceId = await post('/api/v1/services', { name: 'Corte', duration_minutes: 30, price: { amount: 2000, currency: 'EUR' }, resource_ids: [resourceId] });
    const start = new Date(Date.now() + 10 * 86_400_000);
    const joined = await call<{ id: string }>('POST', '/api/v1/waitlist', { headers: { 'x-tenant': owner.tenant.slug }, body: {
      service_id: serviceId,
      customer: { first_name: 'Ana', last_name: 'García', email: email('ana') },
      preferred_times: [{ start: start.toISOString(), end: new Date(start.getTime() + 3 * 3_600_000).toISOString() }],
    } });
    expect(joined.status, joined.text).toBe(201);
    entryId = joined.body.data.id;
  });

  test('staff (bookings of their own resources only) get 403 listing it and removing entries', async () => {
    const staff = await createUserWithRole(t, owner, 'staff');
    expectCode(await call('GET', '/api/v1/waitlist', { headers: staff.headers }), 403, 'FORBIDDEN');
    expectCode(await call('DELETE', `/api/v1/waitlist/${entryId}`, { headers: staff.headers }), 403, 'FORBIDDEN');
  });

  test('a member reading bookings but not customers gets 403; a receptionist reads it', async () => {
    const roleId = await createRole(owner, 'Booking viewer', ['read:Booking']);
    const viewer = await createUserWithRole(t, owner, 'custom', { customRoleId: roleId });
    expectCode(await call('GET', '/api/v1/waitlist', { headers: viewer.headers }), 403, 'FORBIDDEN');
    const receptionist = await createUserWithRole(t, owner, 'receptionist');
    const listed = await call<Array<{ id: string }>>('GET', '/api/v1/waitlist', { headers: receptionist.headers });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.data.map((entry) => entry.id)).toContain(entryId);
  });
});

describe('rule 13: customer-role members register push endpoints for no other customer', () => {
  test('a customer-role member naming a customer gets 403 and nothing is stored; a receptionist may', async () => {
    const created = await call<{ id: string }>('POST', '/api/v1/customers', { headers: owner.headers, body: { first_name: 'Rita', email: email('rita') } });
    expect(created.status, created.text).toBe(201);
    const victim = created.body.data.id;
    const member = await createUserWithRole(t, owner, 'customer');
    const browser = new BrowserSubscription(`http://127.0.0.1:9/push/${randomUUID()}`);
    const payload = { ...browser.toJSON(), expirationTime: null, customer_id: victim };
    expectCode(await call('POST', '/api/v1/push-subscriptions', { headers: member.headers, body: payload }), 403, 'FORBIDDEN');
    expectCode(await call('DELETE', '/api/v1/push-subscriptions', { headers: member.headers, body: { endpoint: browser.endpoint, customer_id: victim } }), 403, 'FORBIDDEN');
    const stored = await sql<{ count: number }>`
      select count(*)::int as count from push_subscriptions where tenant_id = ${owner.tenant.id} and customer_id = ${victim}`.execute(t.db.db);
    expect(stored.rows[0]?.count).toBe(0);

    const receptionist = await createUserWithRole(t, owner, 'receptionist');
    const byStaff = await call('POST', '/api/v1/push-subscriptions', { headers: receptionist.headers, body: payload });
    expect(byStaff.status, byStaff.text).toBe(201);
  });
});
