import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';

/**
 * Outgoing HTTP to addresses that someone else chose (webhook receivers,
 * Web Push endpoints): refuses private, loopback, link-local and other
 * non-public targets by checking every resolved address (not only the name),
 * pins the connection to the addresses it checked (a DNS answer changed
 * between the check and the connect cannot redirect us: no rebinding), never
 * follows redirects, and gives up after a timeout.
 */

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** Whether an address is not a public unicast address (private, loopback, link-local, reserved...). */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
    // IPv4-mapped in hex form (::ffff:7f00:1) also reaches IPv4 hosts.
    if (/^::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}$/i.test(address)) return true;
    return blocked.check(address, 'ipv6');
  }
  return true;
}

/** Why a target is refused; `unresolvable` may pass later, the others never will. */
export type PublicTargetRefusal = 'invalid_url' | 'unresolvable' | 'non_public_address';

export class PublicTargetError extends Error {
  readonly reason: PublicTargetRefusal;
  constructor(reason: PublicTargetRefusal, message: string) {
    super(message);
    this.name = 'PublicTargetError';
    this.reason = reason;
  }
}

/** Checks a URL's shape (http/https, no credentials). */
export function parseHttpTargetUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PublicTargetError('invalid_url', 'not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PublicTargetError('invalid_url', 'must be an http or https URL');
  }
  if (url.username !== '' || url.password !== '') throw new PublicTargetError('invalid_url', 'must not carry credentials');
  return url;
}

/** Every address the URL's host resolves to, each checked unless private targets are allowed. */
export async function resolvePublicTarget(url: URL, allowPrivate: boolean): Promise<LookupAddress[]> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: LookupAddress[];
  const literal = isIP(host);
  if (literal !== 0) {
    addresses = [{ address: host, family: literal }];
  } else {
    try {
      addresses = await dnsLookup(host, { all: true, verbatim: true });
    } catch {
      throw new PublicTargetError('unresolvable', `${host} does not resolve`);
    }
  }
  if (addresses.length === 0) throw new PublicTargetError('unresolvable', `${host} does not resolve`);
  if (!allowPrivate) {
    const refused = addresses.find((entry) => isNonPublicAddress(entry.address));
    if (refused) {
      throw new PublicTargetError('non_public_address', `${host} resolves to a private, loopback or reserved address`);
    }
  }
  return addresses;
}

/** Parses and resolves in one step: what a subscription or endpoint registration checks. */
export async function checkPublicTarget(raw: string, allowPrivate: boolean): Promise<URL> {
  const url = parseHttpTargetUrl(raw);
  await resolvePublicTarget(url, allowPrivate);
  return url;
}

export interface PinnedResponse {
  status: number;
  headers: Record<string, string>;
  /** The start of the response body (bounded by `responseLimit`). */
  body: string;
}

export interface PinnedRequest {
  url: string;
  method?: 'POST' | 'PUT';
  headers: Record<string, string>;
  body: string | Uint8Array;
  timeoutMs: number;
  allowPrivate: boolean;
  /** Bytes of the response body kept; the rest is drained. */
  responseLimit?: number | undefined;
  signal?: AbortSignal | undefined;
}

const DEFAULT_RESPONSE_LIMIT = 4_096;

/**
 * Sends one request to a checked target: the host's addresses are resolved
 * and checked first and the socket connects only to them (TLS still verifies
 * the host name); redirects are not followed; time and response size are
 * bounded. Throws `PublicTargetError` for a refused target, other errors for
 * network failures.
 */
export async function requestPublicTarget(request: PinnedRequest): Promise<PinnedResponse> {
  const url = parseHttpTargetUrl(request.url);
  const addresses = await resolvePublicTarget(url, request.allowPrivate);
  const transport = url.protocol === 'https:' ? https : http;
  const limit = request.responseLimit ?? DEFAULT_RESPONSE_LIMIT;
  const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
  return new Promise<PinnedResponse>((resolve, reject) => {
    const outgoing = transport.request(
      url,
      {
        method: request.method ?? 'POST',
        headers: { ...request.headers, 'content-length': String(body.byteLength) },
        // Connect only to the addresses checked above.
        lookup: (_hostname, options, callback) => {
          if (options.all) {
            callback(null, addresses);
            return;
          }
          const first = addresses[0];
          if (!first) {
            callback(new Error('no address'), '', 4);
            return;
          }
          callback(null, first.address, first.family);
        },
        agent: false,
        timeout: request.timeoutMs,
        ...(request.signal ? { signal: request.signal } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < limit) chunks.push(chunk);
          size += chunk.length;
          // Past the limit we only drain; a huge body cannot exhaust memory.
        });
        response.on('end', () => {
          clearTimeout(overall);
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({
            status: response.statusCode ?? 0,
            headers,
            body: Buffer.concat(chunks).toString('utf8').slice(0, limit),
          });
        });
        response.on('error', (error) => {
          clearTimeout(overall);
          reject(error);
        });
      },
    );
    // `timeout` above is per socket inactivity; this bounds the whole exchange.
    const overall = setTimeout(() => outgoing.destroy(new Error(`timed out after ${request.timeoutMs} ms`)), request.timeoutMs);
    outgoing.on('timeout', () => outgoing.destroy(new Error(`timed out after ${request.timeoutMs} ms`)));
    outgoing.on('error', (error) => {
      clearTimeout(overall);
      reject(error);
    });
    outgoing.end(body);
  });
}
