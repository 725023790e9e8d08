/**
 * One-time secrets in messages (guest verification codes). The template is
 * rendered with a placeholder where the code goes, so the stored subject and
 * bodies never contain it; the code itself is stored apart (encrypted), put
 * in only for the send, and dropped once the message went out. Logs never see
 * it because nothing logs message content.
 *
 * The placeholder has no letters and no HTML-special characters, so case
 * filters and HTML escaping leave it intact.
 */
export const SECRET_PLACEHOLDER = '⟦••••••⟧';

/** What the outbox shows where a code was. */
export const SECRET_MASK = '••••••';

export function hasSecretPlaceholder(text: string | null): boolean {
  return text !== null && text.includes(SECRET_PLACEHOLDER);
}

/** The text as sent: the placeholder replaced by the code. */
export function revealSecret(text: string, secret: string): string;
export function revealSecret(text: string | null, secret: string): string | null;
export function revealSecret(text: string | null, secret: string): string | null {
  return text === null ? null : text.replaceAll(SECRET_PLACEHOLDER, secret);
}

/** The text as shown: the placeholder masked. */
export function maskSecret(text: string): string;
export function maskSecret(text: string | null): string | null;
export function maskSecret(text: string | null): string | null {
  return text === null ? null : text.replaceAll(SECRET_PLACEHOLDER, SECRET_MASK);
}
