import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Twilio's request signature (`X-Twilio-Signature`), as documented in
 * "Webhooks security": the full URL Twilio called (scheme to query string),
 * then every POST parameter sorted by name (case-sensitive, byte order) with
 * name and value appended without separators; HMAC-SHA1 of that string keyed
 * with the account's auth token, base64.
 */
export function twilioSignature(authToken: string, url: string, params: ReadonlyArray<readonly [string, string]>): string {
  const sorted = [...params].sort(([nameA, valueA], [nameB, valueB]) =>
    nameA < nameB ? -1 : nameA > nameB ? 1 : valueA < valueB ? -1 : valueA > valueB ? 1 : 0,
  );
  const payload = url + sorted.map(([name, value]) => `${name}${value}`).join('');
  return createHmac('sha1', authToken).update(payload, 'utf8').digest('base64');
}

/**
 * The URL as Twilio may have signed it: some of its clients add the scheme's
 * default port (`:443`) to the URL they sign, others leave it out, so both
 * forms are accepted (besides the URL exactly as given).
 */
function urlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : null;
  // `URL` reports an empty port for both "no port" and "the default port".
  if (defaultPort === null || parsed.port !== '') return [url];
  const rest = `${parsed.pathname}${parsed.search}`;
  return [...new Set([url, `${parsed.protocol}//${parsed.host}${rest}`, `${parsed.protocol}//${parsed.host}:${defaultPort}${rest}`])];
}

/** Whether `signature` is Twilio's for this request; constant-time comparison. */
export function isValidTwilioSignature(
  authToken: string,
  url: string,
  params: ReadonlyArray<readonly [string, string]>,
  signature: string | undefined,
): boolean {
  if (signature === undefined || signature === '') return false;
  const given = Buffer.from(signature);
  return urlVariants(url).some((candidate) => {
    const expected = Buffer.from(twilioSignature(authToken, candidate, params));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}
