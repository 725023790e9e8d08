/**
 * Payments: deposits, prepayments and no-show fees through a provider
 * (Stripe, or the built-in sandbox), refunds, saved payment methods, provider
 * webhooks, platform fees, the businesses' connected accounts (Stripe Connect)
 * and the hosted payment page. Booking uses the `PaymentsPort` built here and
 * listens to `payment.succeeded`; the events are declared in `payments.events.ts`.
 */
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db } from '../../platform/db/database.ts';
import type { EventSubscriber } from '../../platform/events/outbox.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import type { JobDefinition } from '../../platform/jobs/job-definition.ts';
import { createPaymentsPort } from './booking-payments.service.ts';
import { latePaymentSubscriber } from './late-payment.subscriber.ts';
import type { PaymentProvider } from './payment-provider.ts';
import type { PaymentsPort } from './payments-port.ts';
import type { AllowedOriginsLookup, BookingLookup, FeeRuleLookup, ManageTokenVerifier, PaymentsContext } from './payments-context.ts';
import type { CustomerDataHolder, SavedPaymentMethodsPort } from '../customers/index.ts';
import { paymentsCustomerData } from './payments-customer-data.ts';
import { registerPaymentPageRoutes } from './payment-page.routes.ts';
import { registerPaymentRoutes } from './payments.routes.ts';
import { registerProviderWebhookRoutes } from './provider-webhooks.routes.ts';
import { createReconciliationJob } from './reconciliation.job.ts';
import { createSandboxDeliveryJob, jobDeliveryChannel } from './sandbox-delivery.job.ts';
import { SandboxProvider, type SandboxWebhook } from './sandbox-provider.ts';
import { createSavedPaymentMethodsPort } from './saved-payment-methods.service.ts';
import { createStripeProvider } from './stripe-provider.ts';

export type * from './payments-port.ts';
export type { AllowedOriginsLookup, BookingLookup, BookingPaymentFacts, FeeRuleLookup, ManageTokenVerifier } from './payments-context.ts';
export { nextActionSchema, paymentMethodKindSchema, type NextActionView } from './payments.schemas.ts';
export { openPaymentPageUrlOfBooking, paymentPageKeyFrom } from './payment-page-link.ts';
export { bookingPaymentAfterExpiry, PAYMENT_EVENTS, paymentEvents } from './payments.events.ts';
export type { TransactionFeeRule } from './platform-fee.ts';
export { platformFee } from './platform-fee.ts';
export { platformFeesBetween } from './platform-fee-statement.ts';
export { keptPaymentsSource, paymentTotalsByBooking } from './payment-facts.ts';

export interface PaymentsSettings {
  STRIPE_SECRET_KEY?: string | undefined;
  STRIPE_WEBHOOK_SECRET?: string | undefined;
  /** Signing secret of a separate Connect webhook endpoint (connected accounts' events). */
  STRIPE_CONNECT_WEBHOOK_SECRET?: string | undefined;
  /** For the payment page's Payment Element (browser side); required with STRIPE_SECRET_KEY. */
  STRIPE_PUBLISHABLE_KEY?: string | undefined;
  STRIPE_API_BASE?: string | undefined;
  /** Base URL of this API as customers reach it (3-D Secure pages and return URLs). */
  publicUrl: string;
}

export interface PaymentsModuleDeps {
  settings: PaymentsSettings;
  db: Db;
  /** The tenant's plan fee (tenancy). */
  feeRuleOf: FeeRuleLookup;
  /**
   * Refuse charges of tenants without a connected account able to take charges
   * (409 PAYMENTS_NOT_CONFIGURED). Default: true with Stripe; false with the
   * sandbox, which then charges the platform (demo and development work without onboarding).
   */
  connectRequired?: boolean;
  /** Signs payment page links (`paymentPageKeyFrom(keyRing)`), the same in every process. */
  pageKey: Buffer;
  /** What a booking owes and whose it is, for `POST /payments/intent` (booking). */
  bookingLookup?: BookingLookup;
  /** The booking a manage token names (booking's self-service links): a guest's proof that they may pay it. */
  verifyManageToken?: ManageTokenVerifier;
  /** Origins besides PUBLIC_URL's that return URLs may use (tenant's custom domain, business `allowed_origins`); default none. */
  allowedReturnOrigins?: AllowedOriginsLookup;
  /** The sandbox's HMAC secret, the same in every process (`sandboxSecretFrom(keyRing)`). */
  sandboxSecret: string;
  /** Replaces the sandbox's delivery channel (tests feed events by hand); default: a job per event. */
  sandboxDelivery?: (webhook: SandboxWebhook) => void;
  /** Replaces the provider (tests). */
  provider?: PaymentProvider;
  reconcileAfterMinutes?: number;
  onError?: (error: unknown) => void;
  /** Told each charge the provider settled (`success` or `failed`), after commit: the platform's payment metric. */
  onPaymentAttempt?: (status: 'success' | 'failed') => void;
}

export interface PaymentsModule {
  port: PaymentsPort;
  /** Customer accounts' saved methods (`/me/payment-methods`): removing one detaches it at the provider. */
  savedPaymentMethods: SavedPaymentMethodsPort;
  /** The provider new payments use: `stripe` or `sandbox`. */
  providerName: string;
  /** The sandbox, when it is the provider (not in live mode). */
  sandbox: SandboxProvider | null;
  registerRoutes(api: ApiRouter): void;
  /** Customer-facing pages outside `/api/v1`: the hosted payment page `/pay/{token}`. */
  registerPages(server: ApiRouter): void;
  jobs: JobDefinition[];
  subscribers: EventSubscriber[];
  /** Resolves once the sandbox's pending event deliveries are enqueued (tests, graceful shutdown). */
  deliveriesSettled(): Promise<void>;
  /** Payments' part in customers' export and erasure; it must run after booking's, whose cancellations refund first. */
  customerData: CustomerDataHolder;
}

/** A stable sandbox secret derived from the deployment's key ring (shared by serve and work). */
export function sandboxSecretFrom(keyRing: KeyRing): string {
  return keyRing.blindIndex('name-token', 'reservehub.payments.sandbox.v1');
}

export function createPaymentsModule(deps: PaymentsModuleDeps): PaymentsModule {
  const { settings } = deps;
  const onError = deps.onError ?? (() => undefined);
  const channel = jobDeliveryChannel(deps.db, onError);
  let sandbox: SandboxProvider | null = null;
  let provider: PaymentProvider;
  if (deps.provider) {
    provider = deps.provider;
  } else if (settings.STRIPE_SECRET_KEY) {
    if (!settings.STRIPE_WEBHOOK_SECRET) {
      throw new Error('STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY (webhooks must be verified)');
    }
    assertPublishableKey(settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY);
    provider = createStripeProvider({
      secretKey: settings.STRIPE_SECRET_KEY,
      webhookSecret: settings.STRIPE_WEBHOOK_SECRET,
      connectWebhookSecret: settings.STRIPE_CONNECT_WEBHOOK_SECRET,
      apiBase: settings.STRIPE_API_BASE,
      defaultReturnUrl: `${settings.publicUrl}/payments/return`,
    });
  } else {
    sandbox = new SandboxProvider({
      secret: deps.sandboxSecret,
      publicUrl: settings.publicUrl,
      deliver: deps.sandboxDelivery ?? channel.deliver,
    });
    provider = sandbox;
  }
  if (provider instanceof SandboxProvider) sandbox = provider;

  const context: PaymentsContext = {
    db: deps.db,
    provider,
    providers: new Map([[provider.name, provider]]),
    feeRuleOf: deps.feeRuleOf,
    connectRequired: deps.connectRequired ?? sandbox === null,
    bookingLookup: deps.bookingLookup ?? null,
    reconcileAfterMinutes: deps.reconcileAfterMinutes ?? 10,
    publicUrl: settings.publicUrl,
    pageKey: deps.pageKey,
    publishableKey: sandbox === null ? (settings.STRIPE_PUBLISHABLE_KEY ?? null) : null,
    verifyManageToken: deps.verifyManageToken ?? null,
    allowedReturnOrigins: deps.allowedReturnOrigins ?? (async () => []),
    ...(deps.onPaymentAttempt ? { onAttempt: deps.onPaymentAttempt } : {}),
  };

  return {
    port: createPaymentsPort(context),
    savedPaymentMethods: createSavedPaymentMethodsPort(context),
    providerName: provider.name,
    sandbox,
    registerRoutes(api) {
      registerPaymentRoutes(api, context);
      registerProviderWebhookRoutes(api, context, sandbox);
    },
    registerPages(server) {
      registerPaymentPageRoutes(server, context, sandbox);
    },
    jobs: [createReconciliationJob(context), createSandboxDeliveryJob(() => context)],
    subscribers: [latePaymentSubscriber(context)],
    deliveriesSettled: () => channel.settled(),
    customerData: paymentsCustomerData(context),
  };
}

/**
 * The payment page's Payment Element needs the publishable key of the same
 * Stripe account and mode as the secret key; a mismatch would only show up as
 * a broken page in front of a customer, so it stops the process instead.
 */
function assertPublishableKey(secretKey: string, publishableKey: string | undefined): void {
  if (!publishableKey) {
    throw new Error('STRIPE_PUBLISHABLE_KEY is required with STRIPE_SECRET_KEY (the payment page mounts Stripe\'s card fields with it)');
  }
  const mode = (key: string) => (/_live_/.test(key) ? 'live' : 'test');
  if (mode(secretKey) !== mode(publishableKey)) {
    throw new Error(`STRIPE_PUBLISHABLE_KEY is a ${mode(publishableKey)} key but STRIPE_SECRET_KEY is a ${mode(secretKey)} key`);
  }
}
export { failedPaymentsSince, type FailedPayments } from './payment-diagnostics.ts';
export { latestPayments } from './payments-list.service.ts';
export type { PaymentView } from './payments.schemas.ts';
