// A worker process for the crash test: claims jobs of `test.hang`, signals it has one, then hangs
// until killed with SIGKILL. Run with: node test/support/crash-worker.ts <DATABASE_URL>
import { pino } from 'pino';
import { z } from 'zod';
import { openPostgres } from '../../src/platform/db/database.ts';
import { defineJob } from '../../src/platform/jobs/job-definition.ts';
import { Worker } from '../../src/platform/jobs/worker.ts';

const url = process.argv[2];
if (!url) throw new Error('usage: crash-worker.ts <DATABASE_URL>');
const handle = openPostgres({ connectionString: url, poolSize: 2 });
const hang = defineJob({
  name: 'test.hang',
  version: 1,
  payload: z.object({}),
  timeoutMs: 1_000,
  async handle() {
    process.stdout.write('claimed\n');
    await new Promise(() => undefined);
    return { outcome: 'done' };
  },
});
const worker = new Worker({ handle, definitions: [hang], logger: pino({ level: 'silent' }), concurrency: 1, pollMs: 50 });
await worker.start();
