/**
 * Test harness for catalog and scheduling: the shared module server (see
 * test/support/module-server.ts) with these modules' routes, credentials
 * `Bearer test:<tenant id>:<role>` where `business_admin` writes and others read.
 */
import type { Redis } from 'ioredis';
import type { DatabaseHandle } from '../../src/platform/db/database.ts';
import type { HttpServer } from '../../src/platform/http/server.ts';
import type { CatalogModule } from '../../src/modules/catalog/index.ts';
import type { SchedulingModule } from '../../src/modules/scheduling/index.ts';
import { composeTestModules, startModuleServer } from '../support/module-server.ts';

export { adminToken, makeTenant, readerToken, type TestTenant } from '../support/module-server.ts';

export interface TestServer {
  server: HttpServer;
  catalog: CatalogModule;
  scheduling: SchedulingModule;
}

/** The platform HTTP server with the catalog and scheduling routes under /api/v1. */
export async function startTestServer(
  handle: DatabaseHandle,
  options: { cacheTtlSeconds?: number; redis?: Redis | undefined } = {},
): Promise<TestServer> {
  const { server, modules } = await startModuleServer(handle, {
    register(api, context) {
      const { catalog, scheduling } = composeTestModules(
        context,
        { scheduling: options.cacheTtlSeconds === undefined ? {} : { cacheTtlSeconds: options.cacheTtlSeconds } },
        options.redis,
      );
      catalog.registerRoutes(api);
      scheduling.registerRoutes(api);
      return { catalog, scheduling };
    },
  });
  return { server, ...modules };
}
