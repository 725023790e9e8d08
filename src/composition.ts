/**
 * The modules' wiring, written once: every domain module built with its
 * dependencies, ports handed from provider to consumer. `buildApp` (app.ts)
 * adds the HTTP server, jobs and event subscribers around it; test harnesses
 * call `composeModules` with overrides (a fake payments port, a clock, a silent
 * logger, no availability cache) and register the routes they test, so they
 * exercise this wiring instead of a copy of it.
 */
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import type { Config } from './platform/config.ts';
import { publicUrl } from './platform/config.ts';
import type { KeyRing } from './platform/crypto/field-encryption.ts';
import type { Db } from './platform/db/database.ts';
import { withTenant } from './platform/db/tenant-context.ts';
import { loggerOptions } from './platform/observability/logger.ts';
import { createAnalyticsModule, type AnalyticsModule } from './modules/analytics/index.ts';
import { createSupportModule, type SupportModule } from './modules/support/index.ts';
import { createComplianceModule, type ComplianceModule } from './modules/compliance/index.ts';
import { billingCharges, billingProviderFrom, createBillingModule, type BillingModule, type BillingProvider } from './modules/billing/index.ts';
import { createAuditModule, type AuditModule } from './modules/audit/index.ts';
import {
  bookingPaymentFacts,
  createBookingModule,
  createCustomerBookings,
  linkKeyFrom,
  manageUrl,
  signManageToken,
  verifyManageToken,
  type BookingDeps,
  type BookingModule,
} from './modules/booking/index.ts';
import { createCalendarModule, type CalendarModule, type CalendarModuleDeps } from './modules/calendar/index.ts';
import { catalogSetupFacts, createCatalogModule, resourceIdsAtLocations, resourceIdsForUser, unknownLocationIds, type CatalogModule } from './modules/catalog/index.ts';
import { createCustomersModule, customerMayHoldSession, type CustomersModule, type CustomersModuleDeps } from './modules/customers/index.ts';
import { createIdentityModule, type IdentityModule } from './modules/identity/index.ts';
import { createNotificationsModule, type NotificationsModule, type NotificationsModuleDeps } from './modules/notifications/index.ts';
import {
  createPaymentsModule,
  openPaymentPageUrlOfBooking,
  paymentPageKeyFrom,
  platformFeesBetween,
  sandboxSecretFrom,
  type PaymentsModule,
  type PaymentsModuleDeps,
} from './modules/payments/index.ts';
import { createSchedulingModule, hasWeeklyHours, type SchedulingDeps, type SchedulingModule } from './modules/scheduling/index.ts';
import {
  bookingPageShared,
  businessReturnOrigins,
  createTenancyModule,
  getTenant,
  markBookingPageShared,
  tenantLimits,
  type TenancyModule,
} from './modules/tenancy/index.ts';
import { createWebhooksModule, type WebhooksModule, type WebhooksModuleDeps } from './modules/webhooks/index.ts';
import { createPortabilityModule, type PortabilityModule } from './modules/portability/index.ts';

/** What every module is built from. */
export interface CompositionDeps {
  config: Config;
  db: Db;
  /** Field encryption keys (ENCRYPTION_KEYS, or the embedded mode's own key). */
  keyRing: KeyRing;
  redis?: Redis | undefined;
  /** Told each charge the provider settled, after commit: the platform's payment metric. */
  onPaymentAttempt?: (status: 'success' | 'failed') => void;
  /** Where analytics registers its business counters (the process's Prometheus registry); a fresh one when absent. */
  metricsRegistry?: Registry;
}

type IdentityModuleDeps = Parameters<typeof createIdentityModule>[0];

/**
 * What a caller replaces in the wiring. A module's entry is spread over the
 * deps `composeModules` gives that module, so it replaces exactly the
 * dependencies it names (`booking: { payments: fake }` swaps the payments port
 * booking calls; the payments module itself is still built). Keys several
 * modules share are given once.
 */
export interface CompositionOverrides {
  /** Key of manage links: booking signs them, notifications put them in messages, payments accepts them. Default: from the key ring. */
  linkKey?: Buffer;
  /** Key of payment page links: payments signs and checks them, notifications put them in messages. Default: from the key ring. */
  paymentPageKey?: Buffer;
  identity?: Partial<IdentityModuleDeps>;
  scheduling?: Partial<SchedulingDeps>;
  notifications?: Partial<NotificationsModuleDeps>;
  payments?: Partial<PaymentsModuleDeps>;
  booking?: Partial<BookingDeps>;
  calendar?: Partial<CalendarModuleDeps>;
  customers?: Partial<CustomersModuleDeps>;
  webhooks?: Partial<WebhooksModuleDeps>;
  /** The provider billing charges plans through (default: Stripe when configured, else the sandbox). */
  billingProvider?: BillingProvider;
}

/** Every domain module, built and wired. */
export interface Modules {
  notifications: NotificationsModule;
  identity: IdentityModule;
  tenancy: TenancyModule;
  audit: AuditModule;
  scheduling: SchedulingModule;
  catalog: CatalogModule;
  payments: PaymentsModule;
  booking: BookingModule;
  calendar: CalendarModule;
  customers: CustomersModule;
  webhooks: WebhooksModule;
  analytics: AnalyticsModule;
  support: SupportModule;
  compliance: ComplianceModule;
  billing: BillingModule;
  portability: PortabilityModule;
}

/**
 * Builds each module after the modules it depends on and hands over the
 * ports. No module constructs another; they meet here.
 */
export function composeModules(deps: CompositionDeps, overrides: CompositionOverrides = {}): Modules {
  const { config, db, keyRing } = deps;
  const base = publicUrl(config);
  const linkKey = overrides.linkKey ?? linkKeyFrom(keyRing);
  const paymentPageLink = { publicUrl: base, pageKey: overrides.paymentPageKey ?? paymentPageKeyFrom(keyRing) };
  const billingProvider = overrides.billingProvider ?? billingProviderFrom(config);

  // Staff see and change only bookings of the resources linked to them (catalog's answer); their device notices follow the same.
  const staffResources = (tenantId: string, userId: string) => withTenant(db, tenantId, (trx) => resourceIdsForUser(trx, tenantId, userId));
  const resourcesAtLocations = (tenantId: string, locationIds: readonly string[]) => withTenant(db, tenantId, (trx) => resourceIdsAtLocations(trx, tenantId, locationIds));
  // Notifications first: identity's account e-mails go out through it (identity's messages port).
  const notifications = createNotificationsModule({
    db,
    config,
    keyRing,
    logger: pino(loggerOptions(config.LOG_LEVEL)),
    manageUrlFor: (tenantId, bookingId) => manageUrl(base, signManageToken(linkKey, tenantId, bookingId)),
    paymentPageUrlFor: (trx, tenantId, bookingId) => openPaymentPageUrlOfBooking(trx, paymentPageLink, tenantId, bookingId),
    staffResources,
    resourcesAtLocations,
    ...overrides.notifications,
  });
  const identity = createIdentityModule({
    config,
    db,
    keyRing,
    // Customer accounts' sessions hold only while the customers module says the customer may sign in.
    customerAccountState: customerMayHoldSession,
    messages: notifications.identityMessages,
    // Staff see and change only bookings of the resources linked to them (catalog's answer).
    staffResources,
    // Managers and receptionists an owner scoped to some locations: catalog knows the locations and their resources.
    locations: {
      unknownLocations: unknownLocationIds,
      resourcesAt: resourcesAtLocations,
    },
    ...overrides.identity,
  });
  // Plan changes are billing's (charged, prorated) wherever billing charges; billing is built further down, after notifications.
  const tenancy = createTenancyModule({
    db,
    countActiveUsers: identity.countActiveUsers,
    publicUrl: base,
    planChanges: billingCharges(deps.config, billingProvider)
      ? { changePlan: (trx, tenantId, planId, auth) => billing.changePlanKeepingInterval(trx, tenantId, planId, auth) }
      : undefined,
  });
  const audit = createAuditModule({ db });
  const scheduling = createSchedulingModule({ db, redis: deps.redis, cacheTtlSeconds: config.AVAILABILITY_CACHE_TTL_SECONDS, ...overrides.scheduling });
  const catalog = createCatalogModule({ db, onCatalogChanged: scheduling.onCatalogChanged });
  const payments = createPaymentsModule({
    settings: { ...config, publicUrl: base },
    db,
    feeRuleOf: async (executor, tenantId) => (await tenantLimits(executor, tenantId)).plan.transaction_fee,
    bookingLookup: bookingPaymentFacts,
    // A guest pays with the manage link's token; return URLs stay on the business's own origins.
    verifyManageToken: (token) => verifyManageToken(linkKey, token),
    allowedReturnOrigins: businessReturnOrigins,
    sandboxSecret: sandboxSecretFrom(keyRing),
    pageKey: paymentPageLink.pageKey,
    ...(deps.onPaymentAttempt ? { onPaymentAttempt: deps.onPaymentAttempt } : {}),
    ...overrides.payments,
  });
  // Booking's guest codes and waitlist offers go out through notifications (its messages port).
  const booking = createBookingModule({
    db,
    keyRing,
    payments: payments.port,
    messages: notifications.bookingMessages,
    occupancy: scheduling.occupancy,
    publicUrl: base,
    linkKey,
    // The first-run checklist asks each step's owner.
    setupFacts: {
      catalog: catalogSetupFacts,
      weeklyHours: hasWeeklyHours,
      bookingPageShared,
      markBookingPageShared,
      bookingPageUrl: async (executor, tenantId) => {
        const tenant = await getTenant(executor, tenantId);
        return `${base}/book/${encodeURIComponent(tenant?.slug ?? '')}`;
      },
    },
    ...overrides.booking,
  });
  const calendar = createCalendarModule({ db, keyRing, publicUrl: base, ...overrides.calendar });
  // Customer accounts: identity gives them credentials, booking and payments their bookings and saved methods.
  const customers = createCustomersModule({
    db,
    keyRing,
    accounts: {
      sessions: identity.customerSessions,
      // Sign-in and phone codes go out like guest codes: an address message with a one-time secret.
      sendCode: async (trx, tenantId, message) => {
        await notifications.queueMessage(trx, tenantId, {
          key: 'verification.code',
          dedupeBase: `customer-account-code:${message.codeId}`,
          eventId: null,
          recipient: { kind: 'address', channel: message.channel, address: message.destination },
          language: message.language,
          oneTimeCode: message.code,
          extra: () => ({ expires_minutes: message.expiresMinutes }),
        });
      },
      bookings: createCustomerBookings({ db }, booking.services),
      paymentMethods: payments.savedPaymentMethods,
    },
    // Payments after booking: booking's erasure cancels future bookings (refunds go through payments) before payments forgets the cards.
    dataHolders: [notifications.customerData, booking.customerData, payments.customerData, calendar.customerData],
    ...overrides.customers,
  });
  const webhooks = createWebhooksModule({
    db,
    keyRing,
    allowPrivateTargets: config.WEBHOOKS_ALLOW_PRIVATE,
    livemode: config.NODE_ENV === 'production',
    onEndpointDisabled: notifications.notifyEndpointDisabled,
    ...overrides.webhooks,
  });
  // Reads the others through their index.ts and their events; nothing depends on it.
  const analytics = createAnalyticsModule({ db, registry: deps.metricsRegistry ?? new Registry(), messages: notifications.analyticsMessages, publicUrl: base });
  const support = createSupportModule({ db, notifications, webhooks, booking: booking.consistency });
  const compliance = createComplianceModule({ db, customerData: customers.registry });
  // Billing reads the fees payments took for its invoices' statement through this port (billing does not import payments).
  const billingFees = { feesBetween: platformFeesBetween };
  const billing = createBillingModule({ db, config: deps.config, countActiveUsers: identity.countActiveUsers, provider: billingProvider, messages: notifications.billingMessages, publicUrl: base, transactionFees: billingFees });
  // The whole-business export: reads the others through their index.ts; nothing depends on it.
  const portability = createPortabilityModule({ db, keyRing });
  return { notifications, identity, tenancy, audit, scheduling, catalog, payments, booking, calendar, customers, webhooks, analytics, support, compliance, billing, portability };
}
