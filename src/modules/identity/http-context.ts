import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../../platform/http/access.ts';
import type { RequestMeta } from './auth.service.ts';

export function requestMeta(request: FastifyRequest): RequestMeta {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null, requestId: request.id };
}

/** The caller of a route whose declared access demands a credential. */
export function callerOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new Error('access check let an anonymous request through');
  return request.auth;
}
