import { describe, expect, test } from 'vitest';
import { locationScopeOf } from '../../platform/http/location-scope.ts';
import { toAuthContext, type PrincipalFacts } from './principal.ts';

const reach = { locationIds: ['loc-a'], resourceIds: ['res-a'] };

const facts = (overrides: Partial<PrincipalFacts>): PrincipalFacts => ({
  tenantId: 't',
  actor: { type: 'user', id: 'u' },
  userId: 'u',
  role: 'manager',
  permissions: null,
  sessionId: 's',
  resourceIds: [],
  readOnly: null,
  impersonatedBy: null,
  mfaEnrollmentRequired: false,
  locationReach: reach,
  ...overrides,
});

describe('a location scope narrows the ability', () => {
  const cases: Array<[role: string, permissions: string[] | null]> = [
    ['manager', null],
    ['receptionist', null],
    ['custom', ['read:Booking', 'update:Booking', 'read:Resource', 'read:Location', 'read:Schedule', 'read:Report']],
  ];
  test.each(cases)('%s: bookings, resources, schedules and locations only inside; no reports; customers shared', (role, permissions) => {
    const auth = toAuthContext(facts({ role, permissions }));
    expect(auth.can('read', 'Booking', { resource_id: 'res-a', customer_id: 'c' })).toBe(true);
    expect(auth.can('read', 'Booking', { resource_id: 'res-b', customer_id: 'c' })).toBe(false);
    expect(auth.can('update', 'Booking', { resource_id: 'res-b', customer_id: 'c' })).toBe(false);
    expect(auth.can('read', 'Resource', { location_id: 'loc-a' })).toBe(true);
    expect(auth.can('read', 'Resource', { location_id: 'loc-b' })).toBe(false);
    expect(auth.can('read', 'Location', { id: 'loc-b' })).toBe(false);
    expect(auth.can('read', 'Schedule', { resource_id: 'res-b' })).toBe(false);
    // The route-level question ("may they ever") still holds, so the handlers' filters decide.
    expect(auth.can('read', 'Booking')).toBe(true);
    expect(auth.can('read', 'Report')).toBe(false);
    expect(auth.can('create', 'Location')).toBe(false);
    expect(auth.attributes.permissions).not.toContain('create:Location');
    expect(auth.attributes.permissions).not.toContain('manage:Location');
    expect(locationScopeOf(auth)).toEqual(reach);
  });

  test('a scoped manager still edits their own location', () => {
    const auth = toAuthContext(facts({ role: 'manager' }));
    expect(auth.can('update', 'Location', { id: 'loc-a' })).toBe(true);
    expect(auth.can('update', 'Location', { id: 'loc-b' })).toBe(false);
  });

  test('the receptionist and manager keep their shared subjects', () => {
    expect(toAuthContext(facts({ role: 'receptionist' })).can('read', 'Customer')).toBe(true);
    expect(toAuthContext(facts({ role: 'manager' })).can('update', 'Service')).toBe(true);
  });

  test.each(['business_admin', 'staff', 'customer'])('%s is never scoped, whatever the facts say', (role) => {
    const auth = toAuthContext(facts({ role, resourceIds: ['res-b'], customerId: 'c' }));
    expect(locationScopeOf(auth)).toBeNull();
    expect(auth.attributes.locationIds).toBeNull();
  });

  test('the owner reaches every location', () => {
    const auth = toAuthContext(facts({ role: 'business_admin' }));
    expect(auth.can('read', 'Booking', { resource_id: 'res-b', customer_id: 'c' })).toBe(true);
    expect(auth.can('read', 'Report')).toBe(true);
  });

  test('without a scope a manager reaches every location and reads reports', () => {
    const auth = toAuthContext(facts({ locationReach: null }));
    expect(auth.can('read', 'Booking', { resource_id: 'res-b', customer_id: 'c' })).toBe(true);
    expect(auth.can('read', 'Report')).toBe(true);
    expect(locationScopeOf(auth)).toBeNull();
  });
});
