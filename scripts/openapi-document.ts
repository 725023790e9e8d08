/**
 * Builds the server's OpenAPI document without listening: the whole application
 * (`buildApp`) on a throwaway in-memory embedded database, `ready()`, then
 * `swagger()`. Used by `npm run openapi:export` and by the test that keeps the
 * committed document (packages/api-client/openapi.json) current.
 */
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { generateMasterKey } from '../src/platform/crypto/field-encryption.ts';
import { openPglite } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrator.ts';

/** Where the committed contract lives. */
export const OPENAPI_PATH = fileURLToPath(new URL('../packages/api-client/openapi.json', import.meta.url));

/** The command that rewrites it, for messages. */
export const OPENAPI_REFRESH_COMMAND = 'npm run openapi:export';

/** The document the server serves at /api/v1/openapi.json, as committed (2-space JSON, final newline). */
export async function generateOpenApiDocument(): Promise<string> {
  // Test mode with a throwaway key: nothing is written under DATA_DIR and no secret is read.
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ENCRYPTION_KEYS: `openapi:${generateMasterKey('openapi').key.toString('base64')}`,
  });
  // Modules read the database when the server becomes ready (signing keys): an empty migrated one in memory.
  const handle = await openPglite({});
  try {
    await migrate(handle);
    const app = await buildApp({ config, handle });
    await app.server.ready();
    const document = app.server.swagger();
    await app.server.close();
    return `${JSON.stringify(document, null, 2)}\n`;
  } finally {
    await handle.close();
  }
}
