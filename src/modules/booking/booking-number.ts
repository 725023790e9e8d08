/**
 * Human booking numbers: `BK-` followed by 7 characters, e.g. `BK-7KQM3X9`.
 *
 * Customers read them aloud on the phone and type them from an email, so the
 * alphabet is Crockford's base32 minus every character that has a look-alike:
 * no 0/O, no 1/I/L, and no U (Crockford's own rule, it avoids accidental
 * words). That leaves 30 characters: digits 2–9 and 22 letters.
 *
 * 30^7 ≈ 2.2 × 10^10 codes. Numbers are unique by a database constraint, not
 * by luck: at a million stored bookings a new number collides with
 * probability ≈ 5 × 10^-5, so the creating service retries on a unique
 * violation.
 */
import { randomInt } from 'node:crypto';

/** The 30 characters a booking code is made of. */
export const BOOKING_NUMBER_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Characters after the `BK-` prefix. */
export const BOOKING_NUMBER_LENGTH = 7;

export const BOOKING_NUMBER_PREFIX = 'BK-';

/**
 * A source of uniformly random integers in `[0, maxExclusive)`. Production
 * uses `crypto.randomInt` (unbiased, unpredictable, so numbers cannot be
 * guessed from one another); tests inject a deterministic one.
 */
export type RandomIndex = (maxExclusive: number) => number;

const cryptoRandomIndex: RandomIndex = (maxExclusive) => randomInt(maxExclusive);

const CANONICAL = new RegExp(`^BK-[${BOOKING_NUMBER_ALPHABET}]{${BOOKING_NUMBER_LENGTH}}$`);
const CODE = new RegExp(`^[${BOOKING_NUMBER_ALPHABET}]{${BOOKING_NUMBER_LENGTH}}$`);
// Separators people type or paste: spaces of any kind, ASCII and Unicode dashes, dots, underscores.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212._]/g;

/**
 * A new random booking number in canonical form.
 * @throws RangeError when `randomIndex` returns something outside `[0, 30)`.
 */
export function generateBookingNumber(randomIndex: RandomIndex = cryptoRandomIndex): string {
  let code = '';
  for (let i = 0; i < BOOKING_NUMBER_LENGTH; i++) {
    const index = randomIndex(BOOKING_NUMBER_ALPHABET.length);
    const char = BOOKING_NUMBER_ALPHABET[index];
    if (!Number.isInteger(index) || char === undefined) {
      throw new RangeError(`Random source returned ${index}, expected an integer in [0, ${BOOKING_NUMBER_ALPHABET.length})`);
    }
    code += char;
  }
  return BOOKING_NUMBER_PREFIX + code;
}

/** Whether `value` is a booking number in canonical form (upper case, `BK-` prefix, no spaces). */
export function isBookingNumber(value: string): boolean {
  return CANONICAL.test(value);
}

/**
 * The canonical booking number a person most likely meant, or null.
 *
 * Accepts any case, full-width characters (NFKC), spaces, dashes and dots
 * anywhere (`bk 7kq-m3x9`, `BK–7KQ.M3X9`), and the bare 7-character code
 * without `BK`. Confusables are not remapped: the alphabet contains neither
 * member of any look-alike pair (0/O, 1/I/L), so a typed O or 1 cannot be
 * attributed to one valid character, and guessing could open someone else's
 * booking; such input is rejected instead.
 */
export function normalizeBookingNumber(input: string): string | null {
  const compact = input.normalize('NFKC').toUpperCase().replace(SEPARATORS, '');
  const code =
    compact.length === BOOKING_NUMBER_LENGTH + 2 && compact.startsWith('BK')
      ? compact.slice(2)
      : compact.length === BOOKING_NUMBER_LENGTH
        ? compact
        : null;
  return code !== null && CODE.test(code) ? BOOKING_NUMBER_PREFIX + code : null;
}
