/**
 * One way for tests to call the HTTP API: on an app in the same process (Fastify `inject`, no socket) or on a
 * real listening server (`fetch` on its base URL), with the same options and the same answer.
 *
 *   const call = httpClient(() => t.server);                       // inject; the server is read at call time
 *   const created = await call<Booking>('POST', '/api/v1/bookings', { tenant: owner.tenant.slug, body });
 *   expect(created.status, created.text).toBe(201);
 *   created.body.data.booking_number;                               // typed by the generic
 *
 *   const remote = httpClient(product.baseUrl);                     // fetch on a child process
 *   await remote('GET', '/api/v1/bookings', { auth: `Bearer ${token}` });
 *
 * The answer's `body` is the parsed JSON: the envelope `{ success, data, error?, metadata? }` typed by the generic, or
 * loose (`JSON.parse`'s type) without one. A response without a JSON body (204, a CSV export, an HTML page) leaves
 * `body` empty (`{}`) and its text in `text`.
 */

/** A body as `JSON.parse` gives it: loose, for tests that assert shapes where it matters. */
export type Json = ReturnType<typeof JSON.parse>;

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export type Headers = Record<string, string>;

/** The API's response envelope (API.md). */
export interface Envelope<T> {
  success: boolean;
  data: T;
  error?: { code: string; message: string; details?: Json };
  metadata?: { timestamp: string; pagination?: { cursor: string | null; has_more: boolean } };
}

/** `Envelope<T>` when the caller names `T`; without it, the body as `JSON.parse` gives it (as `inject`'s `json()` did). */
export type BodyOf<T> = 0 extends 1 & T ? Json : Envelope<T>;

export interface HttpResponse<T = Json> {
  status: number;
  /** The parsed JSON body (an envelope, typed by `T`); `{}` when the response has none. */
  body: BodyOf<T>;
  /** The raw response text, for failure messages and non-JSON answers. */
  text: string;
  /** Lower-case header names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
}

export interface RequestOptions {
  /** The whole Authorization header value (`Bearer …`). */
  auth?: string;
  /** A bearer token: sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** The tenant slug of a public page (X-Tenant). */
  tenant?: string;
  idempotencyKey?: string;
  /** Accept-Language. */
  language?: string;
  /** Further headers; they win over the ones above. */
  headers?: Headers;
  /** A JSON body (sent only when defined). */
  body?: unknown;
  /** A form body (`application/x-www-form-urlencoded`), as an HTML form posts it; instead of `body`. */
  form?: Record<string, string>;
  /** The client address the server sees (inject only; a real server sees the socket's). */
  remoteAddress?: string;
}

/** What a Fastify server (or anything shaped like it) offers for in-process requests. */
export interface InjectTarget {
  inject(options: {
    method: Method;
    url: string;
    headers: Headers;
    payload?: string;
    remoteAddress?: string;
  }): Promise<{ statusCode: number; body: string; headers: Record<string, string | string[] | number | undefined> }>;
}

/** An app in this process, or the base URL of a listening server (`http://127.0.0.1:3000`). */
export type HttpTarget = InjectTarget | string;

export interface ClientDefaults {
  /** Headers sent on every request (a request's own headers win); a function is asked per request. */
  headers?: Headers | (() => Headers);
  /** The client address of each request, asked per request (e.g. a fresh one each time). */
  remoteAddress?: () => string;
}

/** A bound client: `call<T>(method, path, options)`. */
export type HttpClient = <T = Json>(method: Method, path: string, options?: RequestOptions) => Promise<HttpResponse<T>>;

function headersOf(options: RequestOptions): Headers {
  const headers: Headers = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.auth !== undefined) headers.authorization = options.auth;
  if (options.tenant !== undefined) headers['x-tenant'] = options.tenant;
  if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
  if (options.language !== undefined) headers['accept-language'] = options.language;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  return { ...headers, ...options.headers };
}

function parsed<T>(text: string, contentType: string | undefined): BodyOf<T> {
  // JSON documents (application/json, …+json), not JSON Lines (application/x-ndjson), which stay text.
  if (text === '' || !/\bjson\b/.test(contentType ?? '')) return {} as BodyOf<T>;
  return JSON.parse(text) as BodyOf<T>;
}

function normalised(headers: Record<string, string | string[] | number | undefined>): HttpResponse['headers'] {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), typeof value === 'number' ? String(value) : value]));
}

/** One request on `target`; see the file's header for the answer's shape. */
export async function request<T = Json>(target: HttpTarget, method: Method, path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
  const headers = headersOf(options);
  const payload = options.form !== undefined ? new URLSearchParams(options.form).toString() : options.body === undefined ? undefined : JSON.stringify(options.body);
  if (typeof target === 'string') {
    const response = await fetch(new URL(path, target), { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    const text = await response.text();
    const received = Object.fromEntries(response.headers.entries());
    return { status: response.status, body: parsed<T>(text, received['content-type']), text, headers: received };
  }
  const response = await target.inject({
    method,
    url: path,
    headers,
    ...(payload === undefined ? {} : { payload }),
    ...(options.remoteAddress === undefined ? {} : { remoteAddress: options.remoteAddress }),
  });
  const received = normalised(response.headers);
  const contentType = received['content-type'];
  return { status: response.statusCode, body: parsed<T>(response.body, typeof contentType === 'string' ? contentType : undefined), text: response.body, headers: received };
}

/**
 * A client bound to a target, with defaults for every request. Pass a function when the target is made later
 * (in `beforeAll`): it is read at each call.
 */
export function httpClient(target: HttpTarget | (() => HttpTarget), defaults: ClientDefaults = {}): HttpClient {
  return <T = Json>(method: Method, path: string, options: RequestOptions = {}) => {
    const remoteAddress = options.remoteAddress ?? defaults.remoteAddress?.();
    return request<T>(typeof target === 'function' ? target() : target, method, path, {
      ...options,
      headers: { ...(typeof defaults.headers === 'function' ? defaults.headers() : defaults.headers), ...options.headers },
      ...(remoteAddress === undefined ? {} : { remoteAddress }),
    });
  };
}
