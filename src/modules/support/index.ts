/**
 * Support: the tools the platform's support people use on a business (RF6.2). It reads the other
 * modules through their `index.ts` and owns no table.
 */
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { diagnosticsSchema, tenantDiagnostics } from './diagnostics.ts';

export type { Diagnostics } from './diagnostics.ts';

export interface SupportModule {
  registerRoutes(api: ApiRouter): void;
}

export function createSupportModule(deps: { db: Db }): SupportModule {
  return {
    registerRoutes(api) {
      api.get(
        '/platform/tenants/:id/diagnostics',
        {
          config: { access: { permission: ['manage', 'Platform'] } },
          schema: {
            tags: ['Platform administration'],
            summary: "A business's diagnostics: unbookable configuration, failed payments, failing webhooks, undelivered messages (30 days)",
            params: z.object({ id: z.uuid() }),
            response: { 200: envelopeSchema(diagnosticsSchema) },
          },
        },
        async (request) => ok(await tenantDiagnostics(deps.db, request.params.id)),
      );
    },
  };
}
