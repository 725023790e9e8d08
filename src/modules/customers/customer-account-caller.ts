import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../../platform/http/access.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { CustomerRequestContext } from './customer-context.ts';

/** Who asks and from where, for the customer-account services' audit entries. */
export function requestContext(request: FastifyRequest, tenantId: string, auth: AuthContext | null): CustomerRequestContext {
  return {
    tenantId,
    auth,
    ip: request.ip,
    userAgent: request.headers['user-agent'] ?? null,
    requestId: request.id,
    accessReason: null,
  };
}

/**
 * The signed-in customer behind a `/me` request. Staff, API keys and anonymous callers are
 * refused: these endpoints always act on the credential's own customer.
 */
export function customerCaller(request: FastifyRequest): { auth: AuthContext; customerId: string; context: CustomerRequestContext } {
  const auth = request.auth;
  if (!auth) throw new AppError('UNAUTHENTICATED', 'Sign in to your customer account');
  const customerId = auth.attributes.customerId;
  if (auth.actor.type !== 'customer' || typeof customerId !== 'string') {
    throw new AppError('FORBIDDEN', 'This endpoint is for customer accounts (sign in with POST /api/v1/customer-auth/verify); staff use /api/v1/customers');
  }
  return { auth, customerId, context: requestContext(request, auth.tenantId, auth) };
}
