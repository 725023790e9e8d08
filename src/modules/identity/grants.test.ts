import { describe, expect, test } from 'vitest';
import { AppError } from '../../platform/http/errors.ts';
import { assertMayGrant, heldPermissions } from './grants.ts';
import { systemRolePermissions, type PermissionString } from './permissions.ts';
import { toAuthContext, type PrincipalFacts } from './principal.ts';

const facts = (overrides: Partial<PrincipalFacts>): PrincipalFacts => ({
  tenantId: 't',
  actor: { type: 'user', id: 'u' },
  userId: 'u',
  role: 'custom',
  permissions: [],
  sessionId: 's',
  resourceIds: ['r1'],
  readOnly: null,
  impersonatedBy: null,
  mfaEnrollmentRequired: false,
  ...overrides,
});

const refusal = (auth: ReturnType<typeof toAuthContext>, permissions: PermissionString[], ownerLevelRule = true): string | null => {
  try {
    assertMayGrant(auth, { what: 'it', permissions, ownerLevelRule });
    return null;
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'ROLE_ESCALATION') throw error;
    const details = error.details as { reason: string };
    return details.reason;
  }
};

describe('who may grant what', () => {
  const owner = toAuthContext(facts({ role: 'business_admin', permissions: null }));
  const staff = toAuthContext(facts({ role: 'staff', permissions: null }));
  const booker = toAuthContext(facts({ permissions: ['manage:Booking', 'read:User', 'create:User'] }));

  test.each<[string, ReturnType<typeof toAuthContext>, PermissionString[], string | null]>([
    ['an owner grants the manager role', owner, systemRolePermissions('manager'), null],
    ['an owner grants the business admin role', owner, systemRolePermissions('business_admin'), null],
    ['nobody grants impersonation', owner, ['impersonate:User'], 'platform'],
    ['nobody grants platform powers', owner, ['read:Platform'], 'platform'],
    ['manage covers each action it implies', booker, ['cancel_anytime:Booking', 'delete:Booking'], null],
    ['a non-owner grants no owner-level role', booker, ['create:User'], 'owner_level'],
    ['a non-owner grants no business admin role', booker, systemRolePermissions('business_admin'), 'owner_level'],
    ['nothing beyond what is held', booker, ['read:Customer'], 'beyond'],
    ["staff's own-resource grant is not a grant on every booking", staff, ['update:Booking'], 'beyond'],
  ])('%s', (_name, auth, permissions, expected) => {
    expect(refusal(auth, permissions)).toBe(expected);
  });

  test('keys skip the owner-level rule but not the subset rule', () => {
    expect(refusal(booker, ['create:User'], false)).toBeNull();
    expect(refusal(booker, ['update:User'], false)).toBe('beyond');
  });

  test('a read-only or MFA-gated session holds nothing it could hand out', () => {
    expect(heldPermissions(toAuthContext(facts({ role: 'business_admin', permissions: null, readOnly: 'impersonation' }))).has('update:Booking')).toBe(false);
    expect(heldPermissions(toAuthContext(facts({ role: 'business_admin', permissions: null, mfaEnrollmentRequired: true }))).size).toBe(0);
  });
});
