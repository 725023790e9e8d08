/**
 * Support: the tools the platform's support people use on a business (RF6.2): diagnostics, resending
 * messages and replaying webhook deliveries through their modules' own code paths, booking's
 * consistency check with its safe repairs, and the business's people, latest payments and recent
 * errors. It reads and acts on the other modules through their `index.ts`, audits every action in
 * the platform's and the business's logs, and owns no table.
 */
import type { Db } from '../../platform/db/database.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import type { BookingConsistency } from '../booking/index.ts';
import { createConsistencyTools } from './consistency.ts';
import { createSupportActions, type SupportActionsDeps } from './support-actions.ts';
import { registerSupportRoutes } from './support.routes.ts';
import { registerTenantActivityRoutes } from './tenant-activity.routes.ts';
import { createTenantActivity } from './tenant-activity.ts';

export type { Diagnostics } from './diagnostics.ts';

export interface SupportModuleDeps {
  db: Db;
  notifications: SupportActionsDeps['notifications'];
  webhooks: SupportActionsDeps['webhooks'];
  /** Booking's consistency check and repair. */
  booking: BookingConsistency;
}

export interface SupportModule {
  registerRoutes(api: ApiRouter): void;
}

export function createSupportModule(deps: SupportModuleDeps): SupportModule {
  const actions = createSupportActions(deps);
  const consistency = createConsistencyTools({ db: deps.db, booking: deps.booking });
  return {
    registerRoutes(api) {
      registerSupportRoutes(api, { db: deps.db, actions, consistency });
      registerTenantActivityRoutes(api, createTenantActivity({ db: deps.db }));
    },
  };
}
