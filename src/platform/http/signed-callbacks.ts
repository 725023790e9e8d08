import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, ERROR_STATUS } from './errors.ts';

/**
 * Provider callbacks (Stripe webhooks, Twilio status reports) prove who sent
 * them with a signature, not with a credential, and a busy provider calls from
 * few addresses: the public per-IP limit would answer it 429 and delay
 * payments and delivery reports. So a route that declares
 * `config: { signedCallback: true }` is left out of the public limit, and only
 * its failures count, per IP: a bad or missing signature, a body that cannot
 * be read, an unknown provider. Past this many failures in a minute, further
 * failures from that address answer 429. A call whose signature holds is never
 * refused by a limit, whatever that address did before.
 */
export const SIGNED_CALLBACK_FAILURES_PER_MINUTE = 10;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Authenticated by a provider's signature over the body; see signed-callbacks.ts. */
    signedCallback?: boolean;
  }
}

export function isSignedCallback(request: FastifyRequest): boolean {
  return request.routeOptions.config?.signedCallback === true;
}

/** The status the error handler will answer for this error (before any limit). */
function statusOf(error: Error): number {
  if (error instanceof AppError) return error.status;
  if (hasZodFastifySchemaValidationErrors(error)) return ERROR_STATUS.VALIDATION_ERROR;
  return 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : ERROR_STATUS.INTERNAL_ERROR;
}

/**
 * Builds the failure counter (after @fastify/rate-limit is registered: it
 * shares its store, so Redis when configured). Returns what the error handler
 * should answer instead of `error`: the error itself, or a 429 once the
 * caller's address is past its failures.
 */
export function signedCallbackFailureLimit(app: FastifyInstance): <E extends Error>(request: FastifyRequest, error: E) => Promise<E | AppError> {
  const count = app.createRateLimit({
    max: SIGNED_CALLBACK_FAILURES_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => `callback-failure:${request.ip}`,
    // The global allow list lets signed callbacks through the public limit; this counter must not.
    allowList: () => false,
  });
  return async <E extends Error>(request: FastifyRequest, error: E): Promise<E | AppError> => {
    const status = statusOf(error);
    // 409 is a verified event about a payment not recorded yet (the provider retries): not a failure.
    if (!isSignedCallback(request) || status < 400 || status >= 500 || status === 409) return error;
    // A failing store (Redis away) must not turn a 400 into a 500: the failure then goes uncounted.
    const outcome = await count(request).catch(() => null);
    if (outcome === null || outcome.isAllowed || !outcome.isExceeded) return error;
    const retryAfter = Math.max(1, outcome.ttlInSeconds);
    return new AppError(
      'RATE_LIMITED',
      `Too many failed callbacks from this address; retry in ${retryAfter} s`,
      { limit: SIGNED_CALLBACK_FAILURES_PER_MINUTE },
      { 'retry-after': String(retryAfter) },
    );
  };
}
