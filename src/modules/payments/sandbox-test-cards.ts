/**
 * The sandbox's test payment methods: Stripe's named test methods and the test card numbers it
 * accepts (any other number is refused: it is not a real processor), and its own card tokens.
 */
import type { TestCard } from './payment-provider.ts';

export type Behaviour = 'succeed' | 'decline' | 'authenticate';

/** The sandbox's named test methods (Stripe's names, so the web app's test flows read the same). */
export const NAMED_METHODS: ReadonlyMap<string, { behaviour: Behaviour; brand: string; last4: string }> = new Map([
  ['pm_card_visa', { behaviour: 'succeed', brand: 'visa', last4: '4242' }],
  ['pm_card_mastercard', { behaviour: 'succeed', brand: 'mastercard', last4: '4444' }],
  ['pm_card_chargeDeclined', { behaviour: 'decline', brand: 'visa', last4: '0002' }],
  ['pm_card_threeDSecureRequired', { behaviour: 'authenticate', brand: 'visa', last4: '3155' }],
]);

/**
 * Test card numbers the sandbox accepts, with the named method each stands for;
 * any other number is refused (it is not a real processor).
 */
const TEST_CARDS: ReadonlyMap<string, { behaviour: Behaviour; brand: string; method: string }> = new Map([
  ['4242424242424242', { behaviour: 'succeed', brand: 'visa', method: 'pm_card_visa' }],
  ['5555555555554444', { behaviour: 'succeed', brand: 'mastercard', method: 'pm_card_mastercard' }],
  ['4000000000000002', { behaviour: 'decline', brand: 'visa', method: 'pm_card_chargeDeclined' }],
  ['4000000000009995', { behaviour: 'decline', brand: 'visa', method: 'pm_card_chargeDeclined' }],
  ['4000002500003155', { behaviour: 'authenticate', brand: 'visa', method: 'pm_card_threeDSecureRequired' }],
  ['4000002760003184', { behaviour: 'authenticate', brand: 'visa', method: 'pm_card_threeDSecureRequired' }],
]);

export const TOKEN_PREFIX: Record<Behaviour, string> = { succeed: 'pm_sbx_ok_', decline: 'pm_sbx_declined_', authenticate: 'pm_sbx_3ds_' };

/** Thrown by `tokenizeTestCard` for a number that is not one of the sandbox's test cards. */
export class NotATestCardError extends Error {
  constructor() {
    super('Only the sandbox test card numbers are accepted (e.g. 4242424242424242)');
    this.name = 'NotATestCardError';
  }
}

export function testCardOf(card: TestCard): { behaviour: Behaviour; brand: string; method: string; number: string } {
  const number = card.number.replace(/[\s-]/g, '');
  const known = TEST_CARDS.get(number);
  if (!known) throw new NotATestCardError();
  return { ...known, number };
}

export function behaviourOf(paymentMethod: string): Behaviour | null {
  const named = NAMED_METHODS.get(paymentMethod);
  if (named) return named.behaviour;
  for (const [behaviour, prefix] of Object.entries(TOKEN_PREFIX) as Array<[Behaviour, string]>) {
    if (paymentMethod.startsWith(prefix) && /^[a-f0-9]{24}$/.test(paymentMethod.slice(prefix.length))) return behaviour;
  }
  return null;
}
