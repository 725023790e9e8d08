/**
 * What the generated OpenAPI document says beyond each route's zod schemas, decided
 * here once instead of in every routes file:
 * - `operationId`: derived from method and path (`GET /api/v1/bookings/{id}` →
 *   `getBookingsById`) unless the route sets `schema.operationId`; unique, or the
 *   document does not build.
 * - `security`: from the route's declared `config.access` (public / authenticated /
 *   permission), the same declaration the server enforces.
 * - error responses: the envelope, for every status the platform can answer with
 *   on that kind of route (validation, credentials, permissions, unknown ids,
 *   idempotency, body limits, rate limits, unexpected errors).
 */
import { z } from 'zod';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { RouteAccess } from './access.ts';
import { errorEnvelopeSchema } from './envelope.ts';
import { ERROR_STATUS } from './errors.ts';

type JsonObject = Record<string, unknown>;
type SecurityRequirement = Record<string, string[]>;

/** How callers prove who they are; `X-Tenant` names the business on public calls. */
export const SECURITY_SCHEMES = {
  bearerJwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Access token from `/auth/signup`, `/auth/login` or `/auth/refresh`: `Authorization: Bearer <token>`.',
  },
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'rh_live_… | rh_test_…',
    description: 'API key, sent in the same header as a token: `Authorization: Bearer rh_…`.',
  },
  tenant: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Tenant',
    description: "Public calls (booking pages, widgets) name the business by its slug; a business's custom domain names it too.",
  },
} as const;

const CREDENTIAL: SecurityRequirement[] = [{ bearerJwt: [] }, { apiKey: [] }];

/** The security requirements that match what the server enforces for `access` (see server.ts). */
export function securityFor(access: RouteAccess | undefined): SecurityRequirement[] {
  if (access === undefined || 'authenticated' in access || 'permission' in access) return CREDENTIAL;
  if (access.tenant === 'required') return [{ tenant: [] }, ...CREDENTIAL];
  if (access.tenant === 'none') return [];
  // Optional: anyone; a tenant or credential, when given, scopes the call.
  return [{}, { tenant: [] }, ...CREDENTIAL];
}

const METHOD_VERB: Record<string, string> = { GET: 'get', POST: 'post', PUT: 'put', PATCH: 'patch', DELETE: 'delete' };

const pascal = (segment: string): string =>
  segment
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');

/**
 * A readable, stable id from method and path: the verb, the path's fixed segments,
 * then its parameters. `POST /api/v1/services/{id}/pricing` → `postServicesPricingById`,
 * `DELETE /api/v1/services/:id/pricing/:tier_id` → `deleteServicesPricingByIdAndTierId`.
 */
export function operationIdFor(method: string, url: string): string {
  const segments = url.replace(/^\/api\/v1(?=\/|$)/, '').split('/').filter(Boolean);
  const fixed: string[] = [];
  const params: string[] = [];
  for (const segment of segments) {
    const param = /^(?::(.+)|\{(.+)\})$/.exec(segment);
    if (param) params.push(pascal(param[1] ?? param[2] ?? ''));
    else fixed.push(pascal(segment.replace(/^\./, '')));
  }
  const verb = METHOD_VERB[method.toUpperCase()] ?? method.toLowerCase();
  const base = `${verb}${fixed.join('') || 'Root'}`;
  return params.length === 0 ? base : `${base}By${params.join('And')}`;
}

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];
type DocumentInput = Parameters<typeof jsonSchemaTransformObject>[0];

/** Per route: the zod → JSON Schema transform, plus operationId, security and the permission it needs. */
export function openapiRouteTransform(input: TransformInput) {
  const transformed = jsonSchemaTransform(input);
  // A route without a schema still is an operation with an id, security and errors.
  const schema = (transformed.schema ?? {}) as JsonObject;
  if (schema.hide === true) return transformed;
  const method = Array.isArray(input.route.method) ? (input.route.method[0] ?? 'GET') : input.route.method;
  const access = input.route.config?.access;
  const declared = (input.schema as JsonObject | undefined)?.operationId;
  return {
    ...transformed,
    schema: {
      ...schema,
      operationId: typeof declared === 'string' ? declared : operationIdFor(method, input.url),
      security: securityFor(access),
      ...(access && 'permission' in access
        ? { 'x-required-permission': { action: access.permission[0], subject: access.permission[1] } }
        : {}),
    },
  };
}

const STATUS_NAMES: Record<number, [name: string, description: string]> = {
  400: ['BadRequest', 'The request is not valid: `details` lists each bad field.'],
  401: ['Unauthenticated', 'No valid credential: sign in, refresh the access token or send an API key.'],
  403: ['Forbidden', 'The credential does not allow this.'],
  404: ['NotFound', 'No such resource for this business (ids of other businesses answer 404 too), or no business by that name.'],
  409: ['Conflict', 'The current state does not allow it, or a request with the same Idempotency-Key is still running.'],
  413: ['PayloadTooLarge', 'The request body is too large.'],
  415: ['UnsupportedMediaType', 'Send the body as application/json.'],
  422: ['Unprocessable', 'The Idempotency-Key was used with another request, or a policy forbids the change.'],
  429: ['RateLimited', 'Too many requests: retry after `Retry-After` seconds.'],
  500: ['InternalError', 'Something failed on our side; it has been logged under the request id.'],
};

/** The stable codes each status carries, from the one table in errors.ts. */
function codesFor(status: number): string[] {
  return Object.entries(ERROR_STATUS)
    .filter(([, value]) => value === status)
    .map(([code]) => code)
    .sort();
}

function errorResponses(): Record<string, JsonObject> {
  const responses: Record<string, JsonObject> = {};
  for (const [status, [name, description]] of Object.entries(STATUS_NAMES)) {
    const codes = codesFor(Number(status));
    responses[name] = {
      description: `${description} Codes: ${codes.map((code) => `\`${code}\``).join(', ')}.`,
      ...(status === '429' ? { headers: { 'Retry-After': { description: 'Seconds until a retry may succeed.', schema: { type: 'integer' } } } } : {}),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
    };
  }
  return responses;
}

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retry safe: the same key with the same body answers the stored response (header `Idempotent-Replayed: true`) ' +
    'and does nothing again; with another body 422 `IDEMPOTENCY_KEY_REUSED`; while the first is running 409 `IDEMPOTENCY_CONFLICT`.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

const WRITES = new Set(['post', 'put', 'patch', 'delete']);
const IDEMPOTENT_WRITES = new Set(['post', 'patch']);

/** The error statuses the platform can answer for an operation of this shape. */
export function errorStatusesFor(method: string, operation: JsonObject): number[] {
  const security = (operation.security as SecurityRequirement[] | undefined) ?? [];
  const schemes = new Set(security.flatMap((requirement) => Object.keys(requirement)));
  const parameters = (operation.parameters as Array<{ in?: string }> | undefined) ?? [];
  const statuses = [400];
  // A bad or expired credential answers 401 wherever one is accepted.
  if (schemes.has('bearerJwt')) statuses.push(401);
  if (operation['x-required-permission'] !== undefined) statuses.push(403);
  if (parameters.some((parameter) => parameter.in === 'path') || schemes.has('tenant')) statuses.push(404);
  if (WRITES.has(method)) statuses.push(409);
  if (operation.requestBody !== undefined) statuses.push(413, 415);
  if (IDEMPOTENT_WRITES.has(method)) statuses.push(422);
  statuses.push(429, 500);
  return statuses;
}

/** Whole document: shared components, error responses on every operation, unique operation ids. */
export function openapiDocumentTransform(input: DocumentInput): ReturnType<typeof jsonSchemaTransformObject> {
  const document = jsonSchemaTransformObject(input) as JsonObject;
  const components = (document.components ?? {}) as JsonObject;
  const errorEnvelope = z.toJSONSchema(errorEnvelopeSchema, { target: 'draft-2020-12' }) as JsonObject;
  delete errorEnvelope.$schema;
  document.components = {
    ...components,
    schemas: { ...(components.schemas as JsonObject | undefined), ErrorEnvelope: errorEnvelope },
    responses: errorResponses(),
    parameters: { IdempotencyKey: IDEMPOTENCY_KEY },
  };
  const seen = new Map<string, string>();
  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Record<string, JsonObject>>)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHOD_VERB[method.toUpperCase()]) continue;
      const id = String(operation.operationId);
      const other = seen.get(id);
      if (other !== undefined) throw new Error(`operationId ${id} is used by both ${other} and ${method.toUpperCase()} ${path}; set schema.operationId on one`);
      seen.set(id, `${method.toUpperCase()} ${path}`);
      const responses = (operation.responses ?? {}) as Record<string, unknown>;
      for (const status of errorStatusesFor(method, operation)) {
        const name = STATUS_NAMES[status]?.[0];
        if (name && responses[String(status)] === undefined) responses[String(status)] = { $ref: `#/components/responses/${name}` };
      }
      operation.responses = responses;
      if (IDEMPOTENT_WRITES.has(method)) {
        operation.parameters = [...((operation.parameters as unknown[] | undefined) ?? []), { $ref: '#/components/parameters/IdempotencyKey' }];
      }
    }
  }
  return document;
}
