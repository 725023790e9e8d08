/**
 * The typed client of the ReserveHub API: openapi-fetch over the generated
 * `paths`, wrapped so callers deal in data, not envelopes:
 * - success `{success: true, data}` → resolves to `data`;
 * - failure `{success: false, error}` → throws `ApiError` (code, status, details);
 * - `X-Tenant` names the business on public calls, `Authorization` carries the token;
 * - every POST and PATCH carries a fresh `Idempotency-Key`, kept across the retry below;
 * - a 401 with a token refreshes it once through `refreshAccessToken` and retries.
 */
import createClient, { type Client, type FetchResponse, type MaybeOptionalInit } from 'openapi-fetch';
import type { HttpMethod, PathsWithMethod, RequiredKeysOf } from 'openapi-typescript-helpers';
import { ApiError, isErrorEnvelope } from './api-error.ts';
import type { paths } from './schema.js';

export interface ApiClientOptions {
  /** Origin of the API; '' (default) is the page's own origin. */
  baseUrl?: string;
  /** The business's slug for public calls (booking pages, the widget). */
  tenant?: () => string | null | undefined;
  /** The current access token, if signed in. */
  accessToken?: () => string | null | undefined;
  /** Called once after a 401 on a call that carried a token; returns the new token or null (signed out). */
  refreshAccessToken?: () => Promise<string | null>;
  /** `Accept-Language` for messages the server writes (codes, e-mails). */
  language?: () => string | null | undefined;
  /** Defaults to `crypto.randomUUID()`. */
  idempotencyKey?: () => string;
  /** Defaults to the global `fetch`. */
  fetch?: (request: Request) => Promise<Response>;
}

type InitParam<Init> = RequiredKeysOf<Init> extends never ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }];

/** What the envelope of a successful response carries in `data`. */
export type EnvelopeData<Body> = Body extends { data: infer Data } ? Data : undefined;

type Method<M extends HttpMethod> = <Path extends PathsWithMethod<paths, M>, Init extends MaybeOptionalInit<paths[Path], M>>(
  url: Path,
  ...init: InitParam<Init>
) => Promise<EnvelopeData<NonNullable<FetchResponse<NonNullable<paths[Path][M]>, Init, 'application/json'>['data']>>>;

export interface ApiClient {
  get: Method<'get'>;
  post: Method<'post'>;
  put: Method<'put'>;
  patch: Method<'patch'>;
  delete: Method<'delete'>;
  /** The underlying openapi-fetch client (same headers, retry and keys), for envelope metadata such as pagination. */
  raw: Client<paths>;
}

const IDEMPOTENT = new Set(['POST', 'PATCH']);

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const newKey = options.idempotencyKey ?? (() => globalThis.crypto.randomUUID());
  let refreshing: Promise<string | null> | null = null;

  /** One refresh at a time: concurrent 401s wait for the same one. */
  const refreshOnce = (): Promise<string | null> => {
    refreshing ??= (options.refreshAccessToken?.() ?? Promise.resolve(null)).finally(() => {
      refreshing = null;
    });
    return refreshing;
  };

  const withHeaders = (request: Request, token: string | null | undefined, key: string | null): Request => {
    const headers = new Headers(request.headers);
    const tenant = options.tenant?.();
    if (tenant && !headers.has('x-tenant')) headers.set('x-tenant', tenant);
    if (token) headers.set('authorization', `Bearer ${token}`);
    const language = options.language?.();
    if (language && !headers.has('accept-language')) headers.set('accept-language', language);
    if (key !== null && !headers.has('idempotency-key')) headers.set('idempotency-key', key);
    return new Request(request, { headers });
  };

  const fetchWithSession = async (request: Request): Promise<Response> => {
    const key = IDEMPOTENT.has(request.method) ? newKey() : null;
    const token = options.accessToken?.();
    // Kept before the first attempt: a body can be read once.
    const retry = token && options.refreshAccessToken ? request.clone() : null;
    try {
      const response = await send(withHeaders(request, token, key));
      if (response.status !== 401 || retry === null) return response;
      const fresh = await refreshOnce();
      if (!fresh) return response;
      return await send(withHeaders(retry, fresh, key));
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError({ code: 'NETWORK_ERROR', status: 0, message: 'The server could not be reached', cause: error });
    }
  };

  const raw = createClient<paths>({ baseUrl: options.baseUrl ?? '', fetch: fetchWithSession });

  const unwrap = (result: { data?: unknown; error?: unknown; response: Response }): unknown => {
    const { response } = result;
    const requestId = response.headers.get('x-request-id');
    if (response.ok) {
      if (response.status === 204 || result.data === undefined) return undefined;
      const body = result.data;
      if (typeof body === 'object' && body !== null && (body as { success?: unknown }).success === true) return (body as { data?: unknown }).data;
      throw new ApiError({ code: 'INVALID_RESPONSE', status: response.status, message: 'The response is not an API envelope', requestId });
    }
    if (isErrorEnvelope(result.error)) {
      const { code, message, details } = result.error.error;
      throw new ApiError({ code, status: response.status, message, details, requestId });
    }
    throw new ApiError({ code: 'INVALID_RESPONSE', status: response.status, message: `HTTP ${response.status} without an API envelope`, requestId });
  };

  const method =
    <M extends HttpMethod>(name: Uppercase<M>): Method<M> =>
    (async (url: string, init?: Record<string, unknown>) => unwrap(await raw.request(name as never, url as never, init as never))) as Method<M>;

  return { get: method('GET'), post: method('POST'), put: method('PUT'), patch: method('PATCH'), delete: method('DELETE'), raw };
}
