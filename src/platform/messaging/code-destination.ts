/**
 * Where a one-time code may go: exactly one mailbox or one phone. The code endpoints are public,
 * so anything that would let a caller address a message to someone else — a list of addresses, a
 * display name, a comment, a group, a header line smuggled through CR/LF — is refused here,
 * before any message exists.
 */
import { normalizeEmail, normalizePhone } from '../crypto/pii-normalization.ts';

/** RFC 5322 `atext`: the characters of an unquoted local part (no quotes, commas, brackets or parentheses). */
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LOCAL_PART = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`);
/** A host name label (RFC 1035 letters, digits, hyphens; not at either end). */
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
/** A top-level domain: letters, or an IDNA A-label. */
const TOP_LABEL = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;
const MAX_ADDRESS = 254;
const MAX_LOCAL_PART = 64;

/**
 * One e-mail address as an RFC 5322 `addr-spec` in its dot-atom form, on a host name: the only
 * form a code goes to. Quoted local parts and domain literals (legal, but never needed by a real
 * mailbox and a favourite of header tricks), display names, comments, groups and lists are
 * refused, as is any control character (CR and LF included) or white space inside. Returns the
 * address lower-cased (the form blind indexes use), or null.
 */
export function parseEmailAddress(raw: string): string | null {
  // Control characters anywhere (not only inside): a trailing CR/LF is refused too, not trimmed away.
  if (/\p{Cc}/u.test(raw)) return null;
  const address = raw.trim();
  if (address.length === 0 || address.length > MAX_ADDRESS) return null;
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.indexOf('@') !== at) return null;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > MAX_LOCAL_PART || !LOCAL_PART.test(local)) return null;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return null;
  if (!TOP_LABEL.test(labels.at(-1) ?? '')) return null;
  return normalizeEmail(address);
}

/** One phone number in E.164 (`+34600111222`); separators are dropped, anything else refused. */
export function parsePhoneNumber(raw: string): string | null {
  if (/\p{Cc}/u.test(raw)) return null;
  return normalizePhone(raw);
}

export type CodeChannel = 'email' | 'sms';

/** A proven-to-be-single destination of a one-time code, in canonical form. */
export interface CodeDestination {
  channel: CodeChannel;
  /** Lower-cased e-mail address, or E.164 phone. */
  value: string;
}

/** The destination of a code on `channel`, or null when it is not exactly one address of that kind. */
export function parseCodeDestination(channel: CodeChannel, raw: string): CodeDestination | null {
  const value = channel === 'email' ? parseEmailAddress(raw) : parsePhoneNumber(raw);
  return value === null ? null : { channel, value };
}
