import { describe, expect, it } from 'vitest';
import { DecryptionError, generateMasterKey, KeyRing } from '../../platform/crypto/field-encryption.ts';
import { decryptCustomerPii, encryptCustomerPii, searchTokenIndexes, type CustomerPii } from './customer-pii.ts';
import { mergePii, mergePreferences } from './customer-merge.service.ts';
import { exportToCsv } from './personal-data-export.service.ts';
import type { CustomerRow } from './customers.tables.ts';
import { assertContactRule } from './customers.service.ts';

const ring = new KeyRing({ keys: [generateMasterKey('unit')] });
const TENANT = '11111111-1111-4111-8111-111111111111';

const pii = (overrides: Partial<CustomerPii> = {}): CustomerPii => ({
  first_name: 'José',
  last_name: 'Núñez',
  email: 'jose@example.com',
  phone: '+34600111222',
  date_of_birth: '1980-01-02',
  notes: null,
  ...overrides,
});

function rowOf(tenantId: string, columns: ReturnType<typeof encryptCustomerPii>): CustomerRow {
  const now = new Date();
  return {
    tenant_id: tenantId,
    id: '22222222-2222-4222-8222-222222222222',
    type: 'registered',
    status: 'active',
    ...columns,
    preferences: {},
    marketing_consent: false,
    email_verified_at: null,
    phone_verified_at: null,
    last_activity_at: now,
    merged_into_id: null,
    merged_at: null,
    erased_at: null,
    contact_unproven: false,
    created_at: now,
    updated_at: now,
  };
}

describe('customer PII columns', () => {
  it('round-trips every field and indexes what search needs', () => {
    const columns = encryptCustomerPii(ring, TENANT, pii({ email: 'Jose@Example.com' }));
    expect(decryptCustomerPii(ring, rowOf(TENANT, columns))).toEqual(pii());
    expect(columns.key_id).toBe('unit');
    expect(columns.name_tokens).toEqual(expect.arrayContaining(searchTokenIndexes(ring, 'jos nuñ')));
    for (const clear of ['José', 'Núñez', 'jose@example.com', '600111222', '1980-01-02']) expect(JSON.stringify(columns)).not.toContain(clear);
  });

  it('does not decrypt a row copied into another tenant', () => {
    const columns = encryptCustomerPii(ring, TENANT, pii());
    expect(() => decryptCustomerPii(ring, rowOf('33333333-3333-4333-8333-333333333333', columns))).toThrow(DecryptionError);
  });
});

describe('contact rule (registered needs email, guest email or phone)', () => {
  it.each([
    ['registered', { email: 'a@b.co', phone: null }, true],
    ['registered', { email: null, phone: '+34600111222' }, false],
    ['guest', { email: null, phone: '+34600111222' }, true],
    ['guest', { email: 'a@b.co', phone: null }, true],
    ['guest', { email: null, phone: null }, false],
  ] as const)('%s with %o is allowed: %s', (type, contacts, allowed) => {
    const check = () => assertContactRule(type, contacts);
    if (allowed) expect(check).not.toThrow();
    else expect(check).toThrow(expect.objectContaining({ code: 'VALIDATION_ERROR' }));
  });
});

describe('merging duplicates', () => {
  it('fills the survivor\'s gaps, keeps both notes and reports conflicting values it dropped', () => {
    const result = mergePii(
      pii({ phone: null, notes: 'Allergic', last_name: 'A' }),
      pii({ email: 'other@example.com', phone: '+34600999888', notes: 'Left-handed', last_name: 'A' }),
    );
    expect(result.pii).toMatchObject({ email: 'jose@example.com', phone: '+34600999888', notes: 'Allergic\n\nLeft-handed' });
    expect(result.discarded).toEqual(['email']);
  });

  it('unions favourite services and preferred staff, the survivor\'s language winning', () => {
    expect(
      mergePreferences(
        { language: 'es', favourite_service_ids: ['s1'] },
        { language: 'en', favourite_service_ids: ['s1', 's2'], preferred_resource_ids: ['r1'] },
      ),
    ).toEqual({ language: 'es', favourite_service_ids: ['s1', 's2'], preferred_resource_ids: ['r1'] });
  });
});

describe('CSV export', () => {
  it('quotes every cell and defuses spreadsheet formulas', () => {
    const csv = exportToCsv({
      user_id: '22222222-2222-4222-8222-222222222222',
      export_date: '2026-01-01T00:00:00.000Z',
      data: {
        personal_info: { first_name: '=HYPERLINK("x")', notes: 'line "one"' },
        bookings: [{ id: 'b1', tags: ['a'] }],
        payments: [],
        communications: [],
        consents: [],
      },
      retention_policy: { categories: [] },
    });
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('category,record,field,value');
    expect(lines).toContain(`"personal_info",0,"first_name","'=HYPERLINK(""x"")"`);
    expect(lines).toContain(`"personal_info",0,"notes","line ""one"""`);
    expect(lines).toContain(`"bookings",0,"tags","[""a""]"`);
  });
});
