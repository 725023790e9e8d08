/**
 * Customers module: customers (registered and guest) with personal data
 * encrypted at rest, consent records, and the privacy rights of GDPR
 * (export, erasure, retention), and customer accounts (sign-in by emailed code
 * or password, `/me`). Other modules use the functions exported here and take
 * part in privacy rights through the registry's interfaces.
 */
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { ReencryptionTarget } from '../../platform/crypto/key-rotation.ts';
import type { Db } from '../../platform/db/database.ts';
import type { EventSubscriber } from '../../platform/events/outbox.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import type { JobDefinition } from '../../platform/jobs/job-definition.ts';
import { CodeSendGuard } from '../tenancy/index.ts';
import { AccountCodes } from './customer-account-codes.ts';
import type { CustomerAccountsDeps } from './customer-account-ports.ts';
import { registerCustomerAccountRoutes } from './customer-account.routes.ts';
import { accountErasureParticipant, accountMergeParticipant, createCustomerAccountService } from './customer-account.service.ts';
import { createCustomerAuthService } from './customer-auth.service.ts';
import { CustomerDataRegistry, type CustomerDataHolder } from './customer-data-registry.ts';
import { createErasureService } from './customer-erasure.service.ts';
import { consentRecordsReencryption, customersReencryption } from './customer-key-rotation.ts';
import { createCustomerMaintenanceJob } from './customer-maintenance.job.ts';
import { createMergeService } from './customer-merge.service.ts';
import { createConsentsService } from './consents.service.ts';
import { registerCustomerRoutes } from './customers.routes.ts';
import { createCustomersService } from './customers.service.ts';
import { consentsContributor, createExportService } from './personal-data-export.service.ts';
import { storedResponsesContributor, storedResponsesErasureParticipant } from './stored-responses-customer-data.ts';

export {
  assertCustomerCanBook,
  findOrCreateGuestCustomer,
  STAFF_ENTERED,
  UNPROVEN,
  type ContactProof,
  getCustomerForBooking,
  getCustomersForBooking,
  recordCustomerActivity,
  type CustomerForBooking,
  type GuestCustomerInput,
} from './customer-booking.ts';
export { hasMarketingConsent, marketingAudience, withdrawMarketingConsent } from './consents.service.ts';
export { searchCustomerIds } from './customers.service.ts';
export { CUSTOMER_EVENTS, customerEvents } from './customers.events.ts';
export {
  attachVerifiedPhone,
  customerMayHoldSession,
  markContactVerified,
  registerVerifiedCustomer,
  type RegistrationResult,
  type VerifiedRegistration,
} from './customer-accounts.ts';
export { systemContext, type CustomerRequestContext } from './customer-context.ts';
export {
  CustomerDataRegistry,
  type CustomerDataHolder,
  type CustomerMergeParticipant,
  type ErasureContext,
  type ErasureOutcome,
  type ErasureParticipant,
  type PersonalDataContributor,
} from './customer-data-registry.ts';
export type { DeletionReport, UserDataExport } from './privacy.schemas.ts';
export { runCustomerMaintenance, GUEST_RETENTION_MONTHS } from './customer-maintenance.job.ts';
// The business's customers and consents for its whole-business export (portability).
export { customerRecordsForExport } from './business-export-records.ts';
export { customerComplianceFigures, processingActivities, type CustomerComplianceFigures, type ProcessingActivity } from './compliance-figures.ts';
export {
  listPrivacyRequestsAcrossTenants,
  privacyRequestFigures,
  privacyRequestSchema,
  privacyRequestsQuerySchema,
  type PrivacyRequestView,
} from './privacy-requests.ts';
export type {
  CustomerAccountsDeps,
  CustomerBookingsPort,
  CustomerCodeMessage,
  SavedPaymentMethod,
  SavedPaymentMethodsPort,
} from './customer-account-ports.ts';
export type {
  AccountBooking,
  AccountBookingChange,
  AccountBookingCreate,
  AccountBookingQuery,
  AccountBookingsQuery,
  Rebook,
} from './customer-account.schemas.ts';
import { createPrivacyRequestsService, privacyRequestsMergeParticipant } from './privacy-requests.ts';

export interface CustomersModuleDeps {
  db: Db;
  keyRing: KeyRing;
  /** Customer accounts (sign-in and `/me`); without them only the staff endpoints exist. */
  accounts?: CustomerAccountsDeps | undefined;
  /**
   * Other modules' parts in customers' export, erasure and merges, in the order they run, after the
   * customers module's own: booking's erasure cancels future bookings (refunding through payments)
   * before payments forgets the saved cards, so booking comes before payments.
   */
  dataHolders?: readonly CustomerDataHolder[] | undefined;
}

export interface CustomersModule {
  /** Every export contributor, erasure and merge participant: the module's own, then its `dataHolders`'. */
  registry: CustomerDataRegistry;
  registerRoutes(api: ApiRouter): void;
  jobs: JobDefinition[];
  subscribers: EventSubscriber[];
  /** Tables to re-encrypt on key rotation (platform `createKeyRotationJob`). */
  reencryptionTargets: ReencryptionTarget[];
}

export function createCustomersModule(deps: CustomersModuleDeps): CustomersModule {
  const registry = new CustomerDataRegistry()
    .addContributor(consentsContributor(deps.keyRing))
    // Stored Idempotency-Key answers: the platform stores them with the same key ring.
    .addContributor(storedResponsesContributor(deps.keyRing))
    .addErasureParticipant(storedResponsesErasureParticipant(deps.keyRing))
    .addMergeParticipant(privacyRequestsMergeParticipant);
  const serviceDeps = { db: deps.db, keyRing: deps.keyRing, registry };
  const services = {
    customers: createCustomersService(serviceDeps),
    consents: createConsentsService(serviceDeps),
    merge: createMergeService(serviceDeps),
    erasure: createErasureService(serviceDeps),
    export: createExportService(serviceDeps),
    privacyRequests: createPrivacyRequestsService(serviceDeps),
  };
  const accounts = deps.accounts;
  const accountRoutes = accounts
    ? (() => {
        const accountDeps = {
          ...serviceDeps,
          accounts,
          codes: new AccountCodes(deps.keyRing),
          guard: new CodeSendGuard({ db: deps.db, keyRing: deps.keyRing }),
        };
        registry.addErasureParticipant(accountErasureParticipant(accountDeps)).addMergeParticipant(accountMergeParticipant(accountDeps));
        return {
          auth: createCustomerAuthService(accountDeps),
          account: createCustomerAccountService(accountDeps),
          bookings: accounts.bookings,
        };
      })()
    : null;
  for (const holder of deps.dataHolders ?? []) registry.addHolder(holder);
  return {
    registry,
    registerRoutes: (api) => {
      registerCustomerRoutes(api, services);
      if (accountRoutes) registerCustomerAccountRoutes(api, accountRoutes);
    },
    jobs: [createCustomerMaintenanceJob({ registry })],
    subscribers: [],
    reencryptionTargets: [customersReencryption, consentRecordsReencryption],
  };
}
