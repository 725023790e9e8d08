import type { Executor } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { AppError, validationError } from '../../platform/http/errors.ts';
import { providerKey, type PaymentsContext } from './payments-context.ts';
import {
  ProviderRequestError,
  ProviderUnavailableError,
  type ConnectedAccounts,
  type ProviderEvent,
} from './payment-provider.ts';
import * as repo from './connected-accounts.repository.ts';
import type { PaymentAccountRow } from './connected-accounts.repository.ts';
import type { ConnectStatusView, OnboardingCreateBody } from './payments.schemas.ts';

/**
 * Where the provider sends a business back from its hosted onboarding: the
 * dashboard's payment settings in the web app (under PUBLIC_URL). On `return`
 * the dashboard reads `GET /payments/connect`; on `refresh` (the single-use
 * link expired or was opened twice) it asks `POST /payments/connect/onboarding`
 * for a new link. Fixed here, never taken from the request: no open redirect.
 */
export function onboardingReturnUrls(publicUrl: string): { returnUrl: string; refreshUrl: string } {
  const settings = `${publicUrl}/admin/settings/payments`;
  return { returnUrl: `${settings}?connect=return`, refreshUrl: `${settings}?connect=refresh` };
}

function connectOf(context: PaymentsContext): ConnectedAccounts {
  const connect = context.provider.connect;
  if (!connect) {
    throw new AppError('PAYMENTS_NOT_CONFIGURED', `The payment provider "${context.provider.name}" has no business accounts to connect`);
  }
  return connect;
}

/** Provider errors of account calls in API terms: an invalid request is 400, an outage 503. */
function accountFailure(error: unknown): never {
  if (error instanceof ProviderRequestError) {
    throw validationError([{ field: error.param ?? 'account', message: error.message }], 'The payment provider refused the request');
  }
  if (error instanceof ProviderUnavailableError) {
    throw new AppError('SERVICE_UNAVAILABLE', 'The payment provider is unavailable; retry later', undefined, { 'retry-after': '30' });
  }
  throw error;
}

export function toConnectStatus(context: PaymentsContext, row: PaymentAccountRow | undefined): ConnectStatusView {
  return {
    provider: context.provider.name,
    required: context.connectRequired,
    account_id: row?.account_id ?? null,
    charges_enabled: row?.charges_enabled ?? false,
    payouts_enabled: row?.payouts_enabled ?? false,
    details_submitted: row?.details_submitted ?? false,
    requirements_due: row?.requirements_due ?? [],
    disabled_reason: row?.disabled_reason ?? null,
    synced_at: row ? new Date(row.synced_at).toISOString() : null,
  };
}

/**
 * `POST /payments/connect/onboarding`: creates the tenant's account at the
 * provider on first use and returns a fresh hosted onboarding link for it.
 * Two admins clicking at once get the same account: the provider receives one
 * tenant-scoped idempotency key, and only one row per tenant and provider can
 * exist.
 */
export async function startOnboarding(
  context: PaymentsContext,
  tenantId: string,
  body: OnboardingCreateBody | undefined,
): Promise<{ created: boolean; status: ConnectStatusView; link: { url: string; expiresAt: Date } }> {
  const connect = connectOf(context);
  const provider = context.provider.name;
  return withTenant(context.db, tenantId, async (trx) => {
    let row = await repo.findAccount(trx, tenantId, provider);
    let created = false;
    if (!row) {
      const account = await connect
        .createAccount({ tenantId, country: body?.country, idempotencyKey: providerKey(tenantId, 'connect-account', provider) })
        .catch(accountFailure);
      row = await repo.insertAccount(trx, { tenantId, provider, account, syncedAt: new Date() });
      created = true;
    }
    const link = await connect
      .createOnboardingLink({ accountId: row.account_id, ...onboardingReturnUrls(context.publicUrl) })
      .catch(accountFailure);
    return { created, status: toConnectStatus(context, row), link };
  });
}

/**
 * `GET /payments/connect`: the tenant's account as the provider reports it now
 * (stored as well). When the provider cannot be reached, or keeps no state of
 * its own (the sandbox), the stored state is returned; `synced_at` says how old it is.
 */
export async function connectStatus(context: PaymentsContext, tenantId: string): Promise<ConnectStatusView> {
  const connect = context.provider.connect;
  const provider = context.provider.name;
  return withTenant(context.db, tenantId, async (trx) => {
    const row = await repo.lockAccount(trx, tenantId, provider);
    if (!row || !connect) return toConnectStatus(context, row);
    const askedAt = new Date();
    try {
      const account = await connect.retrieveAccount(row.account_id);
      if (!account) return toConnectStatus(context, row);
      return toConnectStatus(context, await repo.updateAccountStatus(trx, tenantId, provider, account, askedAt));
    } catch (error) {
      if (error instanceof ProviderUnavailableError) return toConnectStatus(context, row);
      if (error instanceof ProviderRequestError) {
        // The provider no longer lets us read the account (closed, or the business revoked the platform's access).
        throw new AppError('PAYMENTS_NOT_CONFIGURED', `The payment provider refused to report on the account: ${error.message}`, {
          provider,
          account_id: row.account_id,
        });
      }
      throw error;
    }
  });
}

/**
 * Applies an `account.updated` webhook in the tenant's transaction, under the
 * account's row lock. Events carry the whole account state, so the newest
 * wins: one older than the state held (a late delivery, or older than our last
 * fetch) changes nothing; within the same second, the event wins.
 */
export async function applyAccountEvent(
  trx: Executor,
  tenantId: string,
  provider: string,
  event: Extract<ProviderEvent, { kind: 'account.updated' }>,
): Promise<'applied' | 'stale' | 'unknown'> {
  const row = await repo.lockAccount(trx, tenantId, provider);
  if (!row || row.account_id !== event.account.id) return 'unknown';
  // Providers time events in whole seconds: only an event from an earlier second than the state held is stale.
  if (Math.floor(event.occurredAt.getTime() / 1000) < Math.floor(new Date(row.synced_at).getTime() / 1000)) return 'stale';
  await repo.updateAccountStatus(trx, tenantId, provider, event.account, event.occurredAt);
  return 'applied';
}

/**
 * The account a charge of the tenant goes to (a destination charge), or null to
 * charge the platform's account. When the deployment requires connected
 * accounts (Stripe), a tenant whose account cannot take charges yet is refused:
 * collecting a business's money on the platform's own account would make the
 * platform hold and owe it, and the business would never see it in its payouts.
 */
export async function destinationForCharge(context: PaymentsContext, trx: Executor, tenantId: string): Promise<string | null> {
  const row = await repo.findAccount(trx, tenantId, context.provider.name);
  if (row?.charges_enabled) return row.account_id;
  if (!context.connectRequired) return null;
  throw new AppError(
    'PAYMENTS_NOT_CONFIGURED',
    row
      ? 'The business has not finished setting up payments: its account cannot take charges yet'
      : 'The business has not set up payments yet',
    { provider: context.provider.name, account_id: row?.account_id ?? null, disabled_reason: row?.disabled_reason ?? null },
  );
}
