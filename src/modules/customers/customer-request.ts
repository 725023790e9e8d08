import type { FastifyRequest } from 'fastify';
import { tenantOf } from '../../platform/http/access.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { CustomerRequestContext } from './customer-context.ts';

const ACCESS_REASON_MAX = 200;

/**
 * The staff endpoints' request context. A customer's own credential passes
 * the route's permission gate (its rules say "may read a Customer" with a
 * condition: their own record), but the staff endpoints list and open any
 * customer of the tenant, so customer credentials are refused here.
 */
export function staffContext(request: FastifyRequest): CustomerRequestContext {
  const auth = request.auth;
  if (!auth) throw new AppError('UNAUTHENTICATED', 'Sign in or send an API key');
  if (auth.actor.type === 'customer' || auth.role === 'customer') {
    throw new AppError('FORBIDDEN', 'Customers manage their data from their account');
  }
  const tenantId = tenantOf(request);
  if (tenantId === null) throw new AppError('UNAUTHENTICATED', 'Sign in or send an API key');
  const reasonHeader = request.headers['x-access-reason'];
  const reason = typeof reasonHeader === 'string' ? reasonHeader.trim().slice(0, ACCESS_REASON_MAX) : '';
  return {
    tenantId,
    auth,
    ip: request.ip,
    userAgent: request.headers['user-agent'] ?? null,
    requestId: request.id,
    accessReason: reason === '' ? null : reason,
  };
}
