import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { isEmbedded, type Config } from './config.ts';
import { openPglite, openPostgres, type DatabaseHandle } from './db/database.ts';

/** The infrastructure a process runs on, opened from configuration. */
export interface Runtime {
  config: Config;
  handle: DatabaseHandle;
  redis: Redis | undefined;
  close(): Promise<void>;
}

export async function openRuntime(config: Config): Promise<Runtime> {
  const handle = isEmbedded(config)
    ? await openPglite({ dataDir: resolve(config.DATA_DIR, 'pglite') })
    : openPostgres({
        connectionString: config.DATABASE_URL ?? '',
        poolSize: config.DATABASE_POOL_SIZE,
        preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
      });
  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false })
    : undefined;
  return {
    config,
    handle,
    redis,
    async close() {
      await handle.close();
      redis?.disconnect();
    },
  };
}
