import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import FindMyWay from 'find-my-way';
import type { Redis } from 'ioredis';
import type { DestinationStream } from 'pino';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { paymentsMode, type Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { KeyRing } from '../crypto/field-encryption.ts';
import { loggerOptions, prettyLogs } from '../observability/logger.ts';
import { bookingAttemptStatus, type Metrics } from '../observability/metrics.ts';
import { contextFromTraceparent, tracer } from '../observability/tracing.ts';
import { AppError, ERROR_STATUS, type ErrorCode } from './errors.ts';
import { failure } from './envelope.ts';
import { type AccessGuard, type Authenticator, type RouteAccess, tenantOf } from './access.ts';
import { registerIdempotency } from './idempotency.ts';
import { pgErrorToAppError } from './pg-errors.ts';
import { openapiDocumentTransform, openapiRouteTransform, SECURITY_SCHEMES } from './openapi.ts';
import { addMetricsRoute } from './metrics-route.ts';
import { isSignedCallback, signedCallbackFailureLimit } from './signed-callbacks.ts';


export interface HttpServerDeps {
  config: Config;
  db: Db;
  authenticator: Authenticator;
  metrics: Metrics;
  /** Encrypts what the platform stores on the side (idempotent responses). */
  keyRing: KeyRing;
  redis?: Redis;
  /** Refusals by who the caller is, before validation and the declared access (identity's, wired by app.ts). */
  accessGuard?: AccessGuard;
  /** Readiness: database reachable and schema current. */
  isReady: () => Promise<boolean>;
  /** Where the request log goes (default: stdout); tests read it. */
  logStream?: DestinationStream;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Client errors raised by the framework or a plugin without a code of ours: the code their status stands for. */
const CLIENT_ERROR_CODES: ReadonlyMap<number, ErrorCode> = new Map([
  [404, 'NOT_FOUND'],
  [405, 'METHOD_NOT_ALLOWED'],
  [413, 'PAYLOAD_TOO_LARGE'],
  [415, 'UNSUPPORTED_MEDIA_TYPE'],
  [429, 'RATE_LIMITED'],
]);
const OPS_ROUTES = new Set(['/health', '/ready', '/metrics']);
/** Operations endpoints and the web app's pages and assets: no credential, tenant or API rate limit. */
const outsideApi = (request: FastifyRequest): boolean =>
  OPS_ROUTES.has(request.routeOptions.url ?? '') || request.routeOptions.config.webApp === true;

declare module 'fastify' {
  interface FastifyRequest {
    span: Span | null;
  }
}

/**
 * Builds the HTTP server with everything a route can rely on: the envelope
 * and error mapping, request ids, credentials and declared access, rate
 * limits, idempotency, metrics, tracing and the OpenAPI document. Modules add
 * their routes to the returned instance.
 */
export async function createHttpServer(deps: HttpServerDeps) {
  const { config } = deps;
  const app = Fastify({
    logger: deps.logStream
      ? { ...loggerOptions(config.LOG_LEVEL), stream: deps.logStream }
      : loggerOptions(config.LOG_LEVEL, { pretty: prettyLogs(config.NODE_ENV) }),
    bodyLimit: config.BODY_LIMIT_BYTES,
    // X-Forwarded-For is believed only from the configured proxies: otherwise any caller could name
    // its own address and walk past every per-IP limit, and put any IP into sessions and the audit log.
    trustProxy: config.TRUSTED_PROXIES.length > 0 ? config.TRUSTED_PROXIES : false,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    // In-flight requests finish on close; idle keep-alive sockets are closed so shutdown is prompt.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: false } },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('auth', null);
  app.decorateRequest('publicTenant', null);
  app.decorateRequest('span', null);

  // Only JSON is accepted; anything else with a body is 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'application/merge-patch+json'],
    { parseAs: 'string' },
    (_request, body, done) => {
      const text = String(body);
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch {
        done(new AppError('INVALID_JSON', 'The request body is not valid JSON'), undefined);
      }
    },
  );

  // 405 needs to know which methods exist for a path: a shadow router records every route.
  const shadowRouter = FindMyWay();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      const verb = String(method).toUpperCase();
      if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(verb)) continue;
      try {
        shadowRouter.on(verb as 'GET', route.url, () => undefined);
      } catch {
        // Already known (HEAD shadows of GET and the like).
      }
    }
  });

  const testPayments = paymentsMode(config) === 'test';
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    // No real money moves (sandbox or Stripe test key): every response says so.
    if (testPayments) reply.header('x-payments-mode', 'test');
    // The request's span continues a caller's trace (`traceparent`) and is the active span for the
    // rest of the hooks and the handler, so queries, queued jobs and log lines join it.
    const parent = contextFromTraceparent(request.headers.traceparent as string | undefined, context.active());
    const span = tracer().startSpan(
      `${request.method} ${request.routeOptions.url ?? 'unmatched'}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': request.routeOptions.url ?? 'unmatched', 'http.request_id': request.id } },
      parent,
    );
    request.span = span;
    context.with(trace.setSpan(parent, span), done);
  });

  // Credentials first, so rate limits can be per credential. A credential that fails is answered
  // only after the rate limiter counted the request against its IP's public budget, so guessing
  // tokens or keys costs the same as any anonymous call (refused in `preParsing` below).
  const refusedCredentials = new WeakMap<FastifyRequest, AppError>();
  app.addHook('onRequest', async (request) => {
    if (outsideApi(request)) return;
    // Provider callbacks carry a signature, not a credential, and name no tenant.
    if (isSignedCallback(request)) return;
    try {
      request.auth = await deps.authenticator.authenticate(request.headers.authorization);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'UNAUTHENTICATED') throw error;
      refusedCredentials.set(request, error);
      return;
    }
    if (request.auth?.actor.type === 'customer') {
      // A customer account belongs to one business's booking page. Its token sent to another
      // business's page (X-Tenant) is refused, not quietly answered for the token's own business.
      const slug = request.headers['x-tenant'];
      if (typeof slug === 'string' && slug !== '') {
        const named = await deps.authenticator.resolvePublicTenant({ slug });
        if (named?.id !== request.auth.tenantId) {
          throw new AppError('FORBIDDEN', 'This customer account belongs to another business: sign in on this business\'s booking page');
        }
      }
    } else if (!request.auth) {
      const slug = request.headers['x-tenant'];
      const hint = typeof slug === 'string' && slug !== '' ? { slug } : { host: request.hostname };
      request.publicTenant = await deps.authenticator.resolvePublicTenant(hint);
      if (!request.publicTenant && hint.slug !== undefined) {
        throw new AppError('TENANT_NOT_FOUND', `No business is registered as "${hint.slug}"`);
      }
    }
  });

  await app.register(helmet, {
    // The interactive reference at /docs loads its own script and styles.
    contentSecurityPolicy: false,
  });
  await app.register(cors, {
    origin: config.CORS_ORIGINS === '*' ? true : config.CORS_ORIGINS.split(',').map((origin) => origin.trim()),
    exposedHeaders: [
      'x-request-id',
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
      'retry-after',
      'idempotent-replayed',
      'x-payments-mode',
    ],
  });
  await app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    timeWindow: 60_000,
    ...(deps.redis ? { redis: deps.redis, nameSpace: 'reservehub:ratelimit:' } : {}),
    keyGenerator: (request: FastifyRequest) =>
      request.auth ? `credential:${request.auth.actor.id}` : `ip:${request.ip}`,
    max: (request: FastifyRequest) =>
      request.auth ? config.RATE_LIMIT_PER_MINUTE : config.PUBLIC_RATE_LIMIT_PER_MINUTE,
    // Provider callbacks have their own limit, on failed signatures only (signed-callbacks.ts).
    allowList: (request: FastifyRequest) => outsideApi(request) || isSignedCallback(request),
    errorResponseBuilder: (_request, context) => {
      const error = new AppError('RATE_LIMITED', `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s`, {
        limit: context.max,
      });
      return Object.assign(error, { statusCode: error.status });
    },
  });

  app.addHook('preParsing', async (request) => {
    const refused = refusedCredentials.get(request);
    if (refused) throw refused;
  });

  // Access guards: refusals by who the caller is (a read-only impersonation, a customer credential on
  // the business's API, an admin who must enrol MFA). Before validation and the declared access, so
  // the refusal names its real reason.
  const accessGuard = deps.accessGuard;
  if (accessGuard) {
    app.addHook('preValidation', async (request) => {
      if (!request.auth) return;
      accessGuard(request.auth, { method: request.method, route: request.routeOptions.url ?? '', access: request.routeOptions.config.access });
    });
  }

  // Access declared by the route: public, any credential, or a permission.
  app.addHook('preHandler', async (request) => {
    const url = request.routeOptions.url;
    // Documentation, health and well-known documents are public; API routes deny unless they say otherwise.
    if (url === undefined || !url.startsWith('/api/')) return;
    const access: RouteAccess = request.routeOptions.config.access ?? { authenticated: true };
    if ('public' in access) {
      if (access.tenant === 'required' && tenantOf(request) === null) {
        throw new AppError('VALIDATION_ERROR', 'Name the business with the X-Tenant header', [
          { field: 'X-Tenant', message: 'required' },
        ]);
      }
      return;
    }
    if (!request.auth) throw new AppError('UNAUTHENTICATED', 'Sign in or send an API key');
    if ('permission' in access) {
      const [action, subject] = access.permission;
      if (!request.auth.can(action, subject)) throw new AppError('FORBIDDEN', 'You do not have permission to do this');
    }
  });

  registerIdempotency(app, deps.db, deps.keyRing);

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    deps.metrics.httpDuration.observe(
      { route, method: request.method, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    if (request.routeOptions.config?.attempt === 'booking') deps.metrics.bookingAttempts.inc({ status: bookingAttemptStatus(reply.statusCode) });
    const span = request.span;
    if (span) {
      span.setAttribute('http.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  });

  const callbackFailures = signedCallbackFailureLimit(app);
  app.setErrorHandler(async (thrown: FastifyError | AppError | Error, request, reply) => {
    const error = await callbackFailures(request, thrown);
    const requestId = request.id;
    // Every status comes from the one table (errors.ts), through the code.
    const send = (code: ErrorCode, message: string, details?: unknown) =>
      reply.code(ERROR_STATUS[code]).send(failure(code, message, details, requestId));

    if (error instanceof AppError) {
      for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
      return send(error.code, error.message, error.details);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.map((issue) => ({
        field: [error.validationContext, ...String(issue.instancePath).split('/').filter(Boolean)].join('.'),
        message: issue.message,
        code: issue.keyword,
      }));
      return send('VALIDATION_ERROR', 'The request is not valid', details);
    }
    const fastifyCode = 'code' in error ? error.code : undefined;
    const byFastifyCode: Record<string, [ErrorCode, string]> = {
      FST_ERR_CTP_BODY_TOO_LARGE: ['PAYLOAD_TOO_LARGE', 'The request body is too large'],
      FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json'],
      FST_ERR_CTP_EMPTY_JSON_BODY: ['INVALID_JSON', 'The request body is empty'],
      FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['VALIDATION_ERROR', 'Content-Length does not match the body'],
    };
    const mapped = fastifyCode ? byFastifyCode[fastifyCode] : undefined;
    if (mapped) return send(mapped[0], mapped[1]);

    const fromDatabase = pgErrorToAppError(error);
    if (fromDatabase) return send(fromDatabase.code, fromDatabase.message, fromDatabase.details);

    // Any other client error the framework raises: its status picks the code, the table gives the status back.
    const statusCode = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : ERROR_STATUS.INTERNAL_ERROR;
    if (statusCode >= 400 && statusCode < 500 && !isResponseSerializationError(error)) {
      const code = CLIENT_ERROR_CODES.get(statusCode) ?? 'VALIDATION_ERROR';
      return send(code, code === 'RATE_LIMITED' ? 'Too many requests' : 'The request is not valid');
    }
    request.log.error({ err: error }, 'unhandled error');
    request.span?.recordException(error);
    return send('INTERNAL_ERROR', 'Something went wrong on our side; it has been logged');
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter(
      (method) => shadowRouter.find(method, path) !== null,
    );
    const refused =
      allowed.length > 0
        ? new AppError('METHOD_NOT_ALLOWED', `${request.method} is not allowed here`, { allow: allowed }, { allow: allowed.join(', ') })
        : new AppError('NOT_FOUND', `No route for ${request.method} ${path}`);
    for (const [name, value] of Object.entries(refused.headers)) reply.header(name, value);
    return reply.code(refused.status).send(failure(refused.code, refused.message, refused.details, request.id));
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ReserveHub API',
        version: '1.0.0',
        description:
          'Appointments and reservations for businesses. Every response uses the envelope ' +
          '`{success, data, error, metadata}`; errors carry a stable `code`.',
      },
      servers: [{ url: '/' }],
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    transform: openapiRouteTransform,
    transformObject: openapiDocumentTransform,
  });
  await app.register(scalar, { routePrefix: '/docs', configuration: { url: '/api/v1/openapi.json' } });

  app.get('/api/v1/openapi.json', { schema: { hide: true }, config: { access: { public: true } } }, async () =>
    app.swagger(),
  );
  app.get('/health', { schema: { hide: true } }, async (_request, reply) =>
    reply.code(200).send({ status: 'ok', uptime_seconds: Math.round(process.uptime()) }),
  );
  app.get('/ready', { schema: { hide: true } }, async (_request, reply) => {
    const ready = await deps.isReady().catch(() => false);
    return reply.code(ready ? 200 : ERROR_STATUS.SERVICE_UNAVAILABLE).send({ status: ready ? 'ready' : 'not_ready' });
  });
  // With METRICS_PORT the figures are served by a listener of their own (metrics-route.ts), not here.
  if (config.METRICS_PORT === undefined) addMetricsRoute(app, config, deps.metrics);

  return app;
}

export type HttpServer = Awaited<ReturnType<typeof createHttpServer>>;
export type { FastifyReply, FastifyRequest };

/** The router modules add their routes to (under /api/v1), typed by the zod schemas of each route. */
export type ApiRouter = import('fastify').FastifyInstance<
  import('fastify').RawServerDefault,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  import('fastify').FastifyBaseLogger,
  ZodTypeProvider
>;
