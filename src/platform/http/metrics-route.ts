import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Metrics } from '../observability/metrics.ts';
import { failure } from './envelope.ts';
import { AppError } from './errors.ts';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Whether `authorization` carries `Bearer <METRICS_TOKEN>`. Both sides are
 * hashed first, so the comparison takes the same time whatever the length or
 * the first differing byte.
 */
export function metricsAuthorized(token: string | undefined, authorization: string | undefined): boolean {
  if (token === undefined) return true;
  const presented = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(presented), digest(token));
}

/**
 * `GET /metrics` (Prometheus text), on the main server or, with METRICS_PORT,
 * on a listener of its own. With METRICS_TOKEN it answers 401 unless the
 * request carries the token as a bearer credential.
 */
export function addMetricsRoute(app: FastifyInstance, config: Pick<Config, 'METRICS_TOKEN'>, metrics: Metrics): void {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!metricsAuthorized(config.METRICS_TOKEN, request.headers.authorization)) {
      const refused = new AppError('UNAUTHENTICATED', 'Send the metrics token as a bearer credential');
      return reply
        .code(refused.status)
        .header('www-authenticate', 'Bearer realm="metrics"')
        .send(failure(refused.code, refused.message, undefined, request.id));
    }
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

/**
 * The separate metrics listener (METRICS_PORT): only `/metrics` and a liveness `/health`, so the
 * port can stay on an internal network while the API port faces the internet.
 */
export async function createMetricsServer(config: Pick<Config, 'METRICS_TOKEN'>, metrics: Metrics): Promise<FastifyInstance> {
  const server = Fastify({ logger: false, forceCloseConnections: 'idle' });
  addMetricsRoute(server, config, metrics);
  // Liveness for processes without the API listener (workers): the orchestrator's probe lands here.
  server.get('/health', async () => ({ status: 'ok', uptime_seconds: Math.round(process.uptime()) }));
  await server.ready();
  return server;
}
