/**
 * Canonical forms of personal identifiers, so that equal values produce equal
 * blind indexes ("Ana@Example.com " and "ana@example.com" are one customer).
 */

/** Lower-case, trimmed, Unicode NFC. */
export function normalizeEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * E.164 (`+34600111222`), or null when the input is not a full international
 * number. Accepts common separators (spaces, dots, dashes, parentheses) and
 * the `00` international prefix; a national number without a country code is
 * refused rather than guessed.
 */
export function normalizePhone(phone: string): string | null {
  let compact = phone.trim().replace(/[\s.\-()/]/g, '');
  if (compact.startsWith('00')) compact = `+${compact.slice(2)}`;
  return E164.test(compact) ? compact : null;
}

/** Lower-case words of a name without diacritics: "José-María Núñez" → ["jose", "maria", "nunez"]. */
export function nameWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
}

/** Shortest prefix that is indexed and searchable: shorter ones would match too much and leak too little to be worth it. */
export const NAME_PREFIX_MIN = 3;
/** Longest prefix indexed; longer search words are cut to it. */
export const NAME_PREFIX_MAX = 20;

/** Every prefix of every word, NAME_PREFIX_MIN to NAME_PREFIX_MAX characters long, deduplicated. */
export function namePrefixes(...parts: Array<string | null | undefined>): string[] {
  const prefixes = new Set<string>();
  for (const part of parts) {
    if (!part) continue;
    for (const word of nameWords(part)) {
      const characters = [...word];
      for (let length = NAME_PREFIX_MIN; length <= Math.min(characters.length, NAME_PREFIX_MAX); length += 1) {
        prefixes.add(characters.slice(0, length).join(''));
      }
    }
  }
  return [...prefixes];
}

/** The prefixes a search text asks for: each word of at least NAME_PREFIX_MIN characters, cut to NAME_PREFIX_MAX. */
export function searchPrefixes(text: string): string[] {
  return [
    ...new Set(
      nameWords(text)
        .map((word) => [...word])
        .filter((characters) => characters.length >= NAME_PREFIX_MIN)
        .map((characters) => characters.slice(0, NAME_PREFIX_MAX).join('')),
    ),
  ];
}
