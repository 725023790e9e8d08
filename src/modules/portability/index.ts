/**
 * Portability: a business takes all of its data with it (issue 18, "no lock-in"). An owner starts a
 * whole-business export, a background job gathers every data class through the owning modules (customers in
 * clear through the customers module, the team through identity, the rest read under the tenant's context
 * with allow-listed columns, never a secret) and zips it; the archive is downloaded for a week. Offered on
 * the billing screen when the subscription is set to cancel, and while the business is suspended. The archive
 * is kept encrypted under the key ring, bound to the business and the export, and follows key rotation.
 */
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { ReencryptionTarget } from '../../platform/crypto/key-rotation.ts';
import type { Db } from '../../platform/db/database.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import type { JobDefinition } from '../../platform/jobs/job-definition.ts';
import { createBusinessExports } from './business-exports.ts';
import { businessExportsReencryption } from './export-key-rotation.ts';
import { registerPortabilityRoutes } from './portability.routes.ts';

export interface PortabilityModuleDeps {
  db: Db;
  keyRing: KeyRing;
  /** The clock that stamps archives and their expiry (tests move it). */
  now?: () => Date;
}

export interface PortabilityModule {
  registerRoutes(api: ApiRouter): void;
  jobs: JobDefinition[];
  /** The encrypted archives, for the key rotation job. */
  reencryptionTargets: ReencryptionTarget[];
}

export function createPortabilityModule(deps: PortabilityModuleDeps): PortabilityModule {
  const exports = createBusinessExports(deps);
  return {
    registerRoutes: (api) => registerPortabilityRoutes(api, exports),
    jobs: exports.jobs,
    reencryptionTargets: [businessExportsReencryption],
  };
}
