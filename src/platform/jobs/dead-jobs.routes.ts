import { z } from 'zod';
import type { Db } from '../db/database.ts';
import { withPlatform } from '../db/tenant-context.ts';
import { envelopeSchema, ok } from '../http/envelope.ts';
import { notFound } from '../http/errors.ts';
import { pageQuerySchema } from '../http/pagination.ts';
import type { ApiRouter } from '../http/server.ts';
import { listDeadJobs, replayDeadJob } from './dead-jobs.ts';

const tags = ['Platform administration'];
/** Platform administrators only: jobs span every tenant. */
const platformOnly = { access: { permission: ['manage', 'Platform'] } } as const;

const deadJobSchema = z.object({
  id: z.string().uuid(),
  name: z.string().describe('The job kind, e.g. notifications.deliver'),
  tenant_id: z.string().uuid().nullable(),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  last_error: z.string().nullable().describe('Why the last attempt failed'),
  created_at: z.string(),
  died_at: z.string().describe('When it was parked as dead'),
});

const replayedJobSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  tenant_id: z.string().uuid().nullable(),
  status: z.literal('pending'),
  run_at: z.string(),
});

const deadJobsQuerySchema = pageQuerySchema.extend({
  name: z.string().min(1).max(100).optional().describe('Only jobs of this kind'),
});
const jobParams = z.object({ id: z.string().uuid() });

/** GET /platform/jobs/dead and POST /platform/jobs/dead/{id}/replay (the jobs' dead letters). */
export function registerDeadJobRoutes(api: ApiRouter, db: Db): void {
  api.get(
    '/platform/jobs/dead',
    {
      config: platformOnly,
      schema: {
        tags,
        summary: 'Jobs that failed every attempt (dead letters), most recent first',
        description: 'Payloads are not shown. Replay one with POST /platform/jobs/dead/{id}/replay once its cause is fixed.',
        querystring: deadJobsQuerySchema,
        response: { 200: envelopeSchema(z.array(deadJobSchema)) },
      },
    },
    async (request) => {
      const page = await listDeadJobs(db, request.query);
      return ok(
        page.items.map((job) => ({ ...job, created_at: job.created_at.toISOString(), died_at: job.died_at.toISOString() })),
        page.pagination,
      );
    },
  );

  api.post(
    '/platform/jobs/dead/:id/replay',
    {
      config: platformOnly,
      schema: {
        tags,
        summary: 'Replay a dead job: back in the queue, due now, with a fresh series of attempts',
        description: '404 when no dead job has this id (never dead, or already replayed).',
        params: jobParams,
        response: { 200: envelopeSchema(replayedJobSchema) },
      },
    },
    async (request) => {
      const job = await withPlatform(db, (trx) => replayDeadJob(trx, request.params.id));
      if (!job) throw notFound('Dead job');
      return ok({ ...job, run_at: job.run_at.toISOString() });
    },
  );
}
