import type { Db } from '../../platform/db/database.ts';

/** What every catalog service is built with (composition root: `src/app.ts`). */
export interface CatalogDeps {
  db: Db;
  /**
   * Called after a catalog change committed (service, price, resource, location):
   * availability caches keyed on the catalog are stale from then on. Scheduling
   * plugs its cache invalidation in here, so catalog never depends on it.
   */
  onCatalogChanged?: ((tenantId: string) => Promise<void>) | undefined;
}
