/** The wiring itself (src/composition.ts): what `buildApp` and the test harnesses share. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { composeModules, type CompositionOverrides } from '../../src/composition.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { generateMasterKey, KeyRing } from '../../src/platform/crypto/field-encryption.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const compose = (overrides: CompositionOverrides = {}) =>
  composeModules(
    { config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), db: database.db, keyRing: new KeyRing({ keys: [generateMasterKey('composition')] }) },
    overrides,
  );

it('hands the customers module every holder of customer data at construction, in the order erasure needs (booking before payments)', () => {
  const { registry } = compose().customers;
  expect(registry.erasureParticipants.map((participant) => participant.name)).toEqual([
    'stored_api_responses',
    'customer_accounts',
    'notifications',
    'bookings',
    'waitlist',
    'payments',
    'calendar_feeds',
  ]);
  expect(registry.contributors.map((contributor) => contributor.name)).toEqual([
    'consents',
    'stored_api_responses',
    'communications',
    'push_subscriptions',
    'bookings',
    'waitlist',
    'payments',
    'saved_payment_methods',
    'calendar_feeds',
  ]);
  expect(registry.mergeParticipants.map((participant) => participant.name)).toEqual(['privacy_requests', 'customer_accounts', 'notifications', 'bookings', 'waitlist', 'calendar_feeds']);
});

it('an override replaces only the dependencies it names', () => {
  const { registry } = compose({ customers: { dataHolders: [] } }).customers;
  expect(registry.erasureParticipants.map((participant) => participant.name)).toEqual(['stored_api_responses', 'customer_accounts']);
});
