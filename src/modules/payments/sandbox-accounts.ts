import { timingSafeEqual } from 'node:crypto';
import { ProviderRequestError, type ConnectedAccounts, type OnboardingLinkInput, type ProviderAccount } from './payment-provider.ts';

/** How long a sandbox onboarding link stays valid (Stripe's account links last minutes too). */
const ONBOARDING_LINK_SECONDS = 600;

/** What a new sandbox account still lacks, in Stripe's vocabulary, until its onboarding is completed. */
const NEW_ACCOUNT_REQUIREMENTS = ['business_profile.url', 'external_account', 'tos_acceptance.date'];

/** What the accounts borrow from the sandbox provider: its keyed MACs, clock and webhook delivery. */
export interface SandboxAccountsDeps {
  publicUrl: string;
  mac(purpose: string, value: string, bytes?: number): string;
  hex(purpose: string, value: string): string;
  nowSeconds(): number;
  send(event: Record<string, unknown>): void;
}

/** The sandbox provider's connected accounts (Stripe Connect's, simulated). */
export class SandboxAccounts {
  readonly #deps: SandboxAccountsDeps;

  constructor(deps: SandboxAccountsDeps) {
    this.#deps = deps;
  }

  /**
   * Simulated connected accounts: an account id is a signed token derived from
   * the idempotency key (the same tenant always gets the same account), the
   * onboarding link leads to a sandbox page, and completing it sends a signed
   * `account.updated` through the webhook path. Being stateless, the sandbox has
   * nothing to report on retrieval beyond its events.
   */
  readonly connect: ConnectedAccounts = {
    createAccount: async (input) => {
      const nonce = this.#deps.hex('account-nonce', input.idempotencyKey);
      return this.#account(`acct_sbx_${nonce}${this.#deps.hex('account', nonce)}`, false);
    },
    retrieveAccount: async (accountId) => {
      this.#accountOrThrow(accountId);
      return null;
    },
    createOnboardingLink: async (input) => {
      this.#accountOrThrow(input.accountId);
      const expires = this.#deps.nowSeconds() + ONBOARDING_LINK_SECONDS;
      const url = new URL(`${this.#deps.publicUrl}/api/v1/payments/sandbox/onboarding/${input.accountId}`);
      url.searchParams.set('return_url', input.returnUrl);
      url.searchParams.set('refresh_url', input.refreshUrl);
      url.searchParams.set('expires', String(expires));
      url.searchParams.set('signature', this.#onboardingSignature(input, expires));
      return { url: url.toString(), expiresAt: new Date(expires * 1000) };
    },
  };

  /** Whether the id is one of the sandbox's accounts (not forged or mangled). */
  isAccount(accountId: string): boolean {
    const match = /^acct_sbx_([0-9a-f]{24})([0-9a-f]{24})$/.exec(accountId);
    if (!match) return false;
    const expected = Buffer.from(this.#deps.hex('account', match[1] ?? ''));
    return timingSafeEqual(expected, Buffer.from(match[2] ?? ''));
  }

  /**
   * Checks an onboarding link's signature and expiry: `valid`, `expired`, or
   * `forged` (a mangled URL must not become an open redirect).
   */
  checkOnboardingLink(link: OnboardingLinkInput & { expires: number; signature: string }): 'valid' | 'expired' | 'forged' {
    if (!this.isAccount(link.accountId)) return 'forged';
    const expected = Buffer.from(this.#onboardingSignature(link, link.expires));
    const given = Buffer.from(link.signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'forged';
    return link.expires < this.#deps.nowSeconds() ? 'expired' : 'valid';
  }

  /** The business finished the sandbox onboarding: the account can take charges and receive payouts. */
  completeOnboarding(accountId: string): ProviderAccount {
    this.#accountOrThrow(accountId);
    const account = this.#account(accountId, true);
    const id = `evt_sbx_${this.#deps.mac('event', `account.updated:${accountId}:complete`, 12)}`;
    const object = {
      id: account.id,
      object: 'account',
      charges_enabled: account.chargesEnabled,
      payouts_enabled: account.payoutsEnabled,
      details_submitted: account.detailsSubmitted,
      requirements: { currently_due: account.requirementsDue, disabled_reason: account.disabledReason },
    };
    this.#deps.send({ id, type: 'account.updated', created: this.#deps.nowSeconds(), data: { object } });
    return account;
  }

  #account(id: string, onboarded: boolean): ProviderAccount {
    return {
      id,
      chargesEnabled: onboarded,
      payoutsEnabled: onboarded,
      detailsSubmitted: onboarded,
      requirementsDue: onboarded ? [] : [...NEW_ACCOUNT_REQUIREMENTS],
      disabledReason: onboarded ? null : 'requirements.past_due',
    };
  }

  #accountOrThrow(accountId: string): void {
    if (!this.isAccount(accountId)) throw new ProviderRequestError('resource_missing', 'No such sandbox account', 'account');
  }

  #onboardingSignature(link: OnboardingLinkInput, expires: number): string {
    return this.#deps.mac('onboarding-link', `${link.accountId}\n${link.returnUrl}\n${link.refreshUrl}\n${expires}`);
  }
}
