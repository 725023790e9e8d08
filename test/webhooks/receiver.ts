import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** What the receiver does with the n-th request (0-based): answer a status, or hang (never answer). */
export type Reply = { status: number; headers?: Record<string, string> } | 'hang';

/** A local HTTP server playing a customer's webhook receiver. */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  readonly #server: Server;
  readonly #hanging: ServerResponse[] = [];
  #replies: Reply[] = [];
  #waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor() {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.requests.push({ path: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        const reply = this.#replies[this.requests.length - 1] ?? { status: 200 };
        for (const waiter of this.#waiters.filter((candidate) => this.requests.length >= candidate.count)) waiter.resolve();
        if (reply === 'hang') {
          this.#hanging.push(response);
          return;
        }
        response.writeHead(reply.status, reply.headers ?? {});
        response.end(reply.status < 300 ? '{"ok":true}' : 'nope');
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

  /** Scripts the replies to the next requests, in order; later ones answer 200. */
  replies(...replies: Reply[]): void {
    this.#replies = [...this.#replies.slice(0, this.requests.length), ...replies];
  }

  waitFor(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  /** Cuts the connections of hanging requests (their sender sees a socket error). */
  dropHanging(): void {
    for (const response of this.#hanging.splice(0)) response.socket?.destroy();
  }

  async close(): Promise<void> {
    this.dropHanging();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
