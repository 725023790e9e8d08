/**
 * A Web Push service on node:http: records every request (headers and raw
 * body) and answers per path — `/gone/...` with 410, `/missing/...` with 404,
 * `/busy/...` with 503, everything else 201 Created with a Location header.
 * `script(path, ...answers)` makes the next requests to a path answer those
 * statuses first (a transient outage, a 429 with Retry-After).
 */
import { createECDH, createDecipheriv, hkdfSync, randomBytes, type ECDH } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PushRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface ScriptedAnswer {
  status: number;
  retryAfter?: string;
}

export class PushServiceFake {
  readonly requests: PushRequest[] = [];
  readonly #scripts = new Map<string, ScriptedAnswer[]>();
  #server: Server | null = null;
  url = '';

  /** The next requests to `path` get these answers, in order; then the path's usual one. */
  script(path: string, ...answers: ScriptedAnswer[]): void {
    this.#scripts.set(path, [...(this.#scripts.get(path) ?? []), ...answers]);
  }

  /** Requests that reached `path`. */
  requestsTo(path: string): PushRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async start(): Promise<this> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        this.requests.push({ path, headers: request.headers, body: Buffer.concat(chunks) });
        const scripted = this.#scripts.get(path)?.shift();
        const status =
          scripted?.status ?? (path.startsWith('/gone/') ? 410 : path.startsWith('/missing/') ? 404 : path.startsWith('/busy/') ? 503 : 201);
        if (scripted?.retryAfter !== undefined) response.setHeader('retry-after', scripted.retryAfter);
        if (status === 201) response.setHeader('location', `${this.url}/messages/${this.requests.length}`);
        response.statusCode = status;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}

/** A browser's side of a subscription: its P-256 key pair and auth secret. */
export class BrowserSubscription {
  readonly endpoint: string;
  readonly ecdh: ECDH;
  readonly auth: Buffer;
  constructor(endpoint: string) {
    this.endpoint = endpoint;
    this.ecdh = createECDH('prime256v1');
    this.ecdh.generateKeys();
    this.auth = randomBytes(16);
  }

  toJSON(): { endpoint: string; keys: { p256dh: string; auth: string } } {
    return { endpoint: this.endpoint, keys: { p256dh: this.ecdh.getPublicKey().toString('base64url'), auth: this.auth.toString('base64url') } };
  }

  /** Decrypts an `aes128gcm` body (RFC 8188 framing, RFC 8291 keys), as the browser does. */
  decrypt(body: Buffer): string {
    const salt = body.subarray(0, 16);
    const idLength = body.readUInt8(20);
    const serverPublic = body.subarray(21, 21 + idLength);
    const ciphertext = body.subarray(21 + idLength);
    const shared = this.ecdh.computeSecret(serverPublic);
    const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), this.ecdh.getPublicKey(), serverPublic]);
    const ikm = Buffer.from(hkdfSync('sha256', shared, this.auth, keyInfo, 32));
    const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
    const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
    const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
    // The last record ends with the delimiter 0x02 followed by zero padding.
    let end = padded.length - 1;
    while (end >= 0 && padded[end] === 0) end -= 1;
    if (padded[end] !== 2) throw new Error('bad padding delimiter');
    return padded.subarray(0, end).toString('utf8');
  }
}
