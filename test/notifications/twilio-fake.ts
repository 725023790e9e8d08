import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TwilioRequest {
  path: string;
  authorization: string | undefined;
  form: URLSearchParams;
}

/** A local HTTP server playing Twilio's Messages endpoint. */
export class TwilioFake {
  readonly requests: TwilioRequest[] = [];
  /** Status to answer the next requests with (201 when empty). */
  readonly statuses: number[] = [];
  readonly #server: Server;

  constructor() {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        this.requests.push({ path: request.url ?? '', authorization: request.headers.authorization, form });
        const status = this.statuses.shift() ?? 201;
        response.writeHead(status, { 'content-type': 'application/json' });
        if (status === 201) {
          // Message SIDs are unique across Twilio (and across the tests sharing this fake).
          response.end(JSON.stringify({ sid: `SM${randomBytes(16).toString('hex')}`, status: 'queued', to: form.get('To') }));
        } else {
          response.end(JSON.stringify({ code: status === 400 ? 21211 : 20500, message: status === 400 ? "The 'To' number is not a valid phone number." : 'Internal error', status }));
        }
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /**
   * A status callback as Twilio posts it to `url`: form-encoded parameters and
   * `X-Twilio-Signature` — base64 HMAC-SHA1, keyed with the auth token, of the
   * URL followed by each parameter's name and value in name order.
   */
  statusCallback(authToken: string, url: string, params: Record<string, string>): { headers: Record<string, string>; payload: string } {
    const names = Object.keys(params).sort();
    const signed = url + names.map((name) => `${name}${params[name] ?? ''}`).join('');
    return {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': createHmac('sha1', authToken).update(signed).digest('base64'),
      },
      payload: new URLSearchParams(params).toString(),
    };
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
