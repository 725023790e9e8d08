import { describe, expect, it } from 'vitest';
import { createSandboxBillingProvider } from './billing-provider.ts';
import { billingCharges } from './index.ts';

describe('billingCharges', () => {
  it('charges outside production and with the sandbox allowed, never in production without a provider', () => {
    expect(billingCharges({ NODE_ENV: 'development', PAYMENTS_SANDBOX: false })).toBe(true);
    expect(billingCharges({ NODE_ENV: 'test', PAYMENTS_SANDBOX: false })).toBe(true);
    expect(billingCharges({ NODE_ENV: 'production', PAYMENTS_SANDBOX: true })).toBe(true);
    expect(billingCharges({ NODE_ENV: 'production', PAYMENTS_SANDBOX: false })).toBe(false);
    expect(billingCharges({ NODE_ENV: 'production', PAYMENTS_SANDBOX: false }, createSandboxBillingProvider())).toBe(true);
  });
});
