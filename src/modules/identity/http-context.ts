import type { FastifyRequest } from 'fastify';
import type { RequestMeta } from './auth.service.ts';

export function requestMeta(request: FastifyRequest): RequestMeta {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null, requestId: request.id };
}

export { callerOf } from '../../platform/http/access.ts';

