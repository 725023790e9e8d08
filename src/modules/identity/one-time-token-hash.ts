import { createHmac } from 'node:crypto';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { OneTimePurpose } from './identity.tables.ts';
import { sha256 } from './secrets.ts';

/**
 * One-time tokens (reset, verification and invitation links, the MFA step of a sign-in) are
 * stored as keyed hashes: HMAC-SHA-256 under a key derived from the deployment's key ring and
 * bound to the token's purpose, like the customers' sign-in codes. A copy of the database alone
 * can neither use nor check a token.
 */
export class OneTimeTokenHasher {
  readonly #key: Buffer;

  constructor(keyRing: KeyRing) {
    this.#key = Buffer.from(keyRing.blindIndex('name-token', 'reservehub.identity.one-time-tokens.v1'), 'utf8');
  }

  hash(purpose: OneTimePurpose, token: string): string {
    return createHmac('sha256', this.#key).update(`${purpose}:${token}`).digest('hex');
  }

  /**
   * The stored forms a presented token may have: its keyed hash, and the plain SHA-256 that
   * tokens issued before migration 0066 carry (they still work until they expire, at most the
   * 7 days of an invitation; no new row is written that way).
   */
  candidates(purpose: OneTimePurpose, token: string): string[] {
    return [this.hash(purpose, token), sha256(token)];
  }
}
