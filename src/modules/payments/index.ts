/**
 * Payments: deposits, prepayments and no-show fees through a provider
 * (Stripe, or the built-in sandbox), refunds, saved payment methods, provider
 * webhooks and platform fees. Booking uses the `PaymentsPort` built here and
 * listens to `payment.succeeded` / `payment.failed` / `payment.refunded`.
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
import type { BookingLookup, ConnectedAccountLookup, FeeRuleLookup, PaymentsContext } from './payments-context.ts';
import { registerPaymentRoutes } from './payments.routes.ts';
import { registerProviderWebhookRoutes } from './provider-webhooks.routes.ts';
import { createReconciliationJob } from './reconciliation.job.ts';
import { createSandboxDeliveryJob, jobDeliveryChannel } from './sandbox-delivery.job.ts';
import { SandboxProvider, type SandboxWebhook } from './sandbox-provider.ts';
import { createStripeProvider } from './stripe-provider.ts';

export type * from './payments-port.ts';
export type { BookingLookup, BookingPaymentFacts, ConnectedAccountLookup, FeeRuleLookup } from './payments-context.ts';
export type { PaymentEventType } from './payment-events.ts';
export type { TransactionFeeRule } from './platform-fee.ts';
export { platformFee } from './platform-fee.ts';

export interface PaymentsSettings {
  STRIPE_SECRET_KEY?: string | undefined;
  STRIPE_WEBHOOK_SECRET?: string | undefined;
  STRIPE_API_BASE?: string | undefined;
  /** Base URL of this API as customers reach it (3-D Secure pages and return URLs). */
  publicUrl: string;
}

export interface PaymentsModuleDeps {
  settings: PaymentsSettings;
  db: Db;
  /** The tenant's plan fee (tenancy). */
  feeRuleOf: FeeRuleLookup;
  /** The tenant's Stripe Connect account; default none (charges on the platform account, fee recorded). */
  connectedAccountOf?: ConnectedAccountLookup;
  /** What a booking owes, for `POST /payments/intent` on a booking without a payment yet (booking). */
  bookingLookup?: BookingLookup;
  /** The sandbox's HMAC secret, the same in every process (`sandboxSecretFrom(keyRing)`). */
  sandboxSecret: string;
  /** Replaces the sandbox's delivery channel (tests feed events by hand); default: a job per event. */
  sandboxDelivery?: (webhook: SandboxWebhook) => void;
  /** Replaces the provider (tests). */
  provider?: PaymentProvider;
  reconcileAfterMinutes?: number;
  onError?: (error: unknown) => void;
}

export interface PaymentsModule {
  port: PaymentsPort;
  /** The provider new payments use: `stripe` or `sandbox`. */
  providerName: string;
  /** The sandbox, when it is the provider (not in live mode). */
  sandbox: SandboxProvider | null;
  registerRoutes(api: ApiRouter): void;
  jobs: JobDefinition[];
  subscribers: EventSubscriber[];
  /** Resolves once the sandbox's pending event deliveries are enqueued (tests, graceful shutdown). */
  deliveriesSettled(): Promise<void>;
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
    provider = createStripeProvider({
      secretKey: settings.STRIPE_SECRET_KEY,
      webhookSecret: settings.STRIPE_WEBHOOK_SECRET,
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
    connectedAccountOf: deps.connectedAccountOf ?? (async () => null),
    bookingLookup: deps.bookingLookup ?? null,
    reconcileAfterMinutes: deps.reconcileAfterMinutes ?? 10,
  };

  return {
    port: createPaymentsPort(context),
    providerName: provider.name,
    sandbox,
    registerRoutes(api) {
      registerPaymentRoutes(api, context);
      registerProviderWebhookRoutes(api, context, sandbox);
    },
    jobs: [createReconciliationJob(context), createSandboxDeliveryJob(() => context)],
    subscribers: [latePaymentSubscriber(context)],
    deliveriesSettled: () => channel.settled(),
  };
}
