/**
 * Signing in to a customer account on a business's booking page (the business named by
 * X-Tenant): passwordless by a six-digit code sent to the email, or with a password the customer
 * set. The first verified code registers the customer through `registerVerifiedCustomer`, which
 * makes the guest record holding that email the account, so earlier guest bookings come along
 * (RF5.7). Asking for a code answers the same whether or not an account exists.
 */
import { withTenant } from '../../platform/db/tenant-context.ts';
import { AppError, validationError } from '../../platform/http/errors.ts';
import { parseCodeDestination } from '../../platform/messaging/code-destination.ts';
import { assertAcceptablePassword, burnPasswordCheck, hashPassword, verifyPassword } from '../identity/index.ts';
import { assertPublicBookingOpen } from '../tenancy/index.ts';
import { ACCOUNT_CODE_TTL_SECONDS, refuseCode } from './customer-account-codes.ts';
import type { AccountTokens, PasswordSignIn, SignInCodeRequest, SignInVerify } from './customer-account.schemas.ts';
import { emailIndexOf, isAccountHolder, loadAccountProfile, type CustomerAccountServiceDeps } from './customer-account.service.ts';
import { registerVerifiedCustomer } from './customer-accounts.ts';
import * as accountsRepo from './customer-accounts.repository.ts';
import { assertCustomerCanBook } from './customer-booking.ts';
import { auditCustomer, type CustomerRequestContext } from './customer-context.ts';
import { decryptCustomerPii } from './customer-pii.ts';
import { DEFAULT_MARKETING_PURPOSE, grantConsentInTransaction } from './consents.service.ts';
import * as repo from './customers.repository.ts';

const INVALID_SIGN_IN = 'The e-mail address or password is incorrect';

/** The failed-login throttle's key for a customer: per business, by blind index (no email in clear). */
function throttleAccount(tenantId: string, emailBidx: string): string {
  return `customer:${tenantId}:${Buffer.from(emailBidx, 'base64url').toString('hex')}`;
}

export function createCustomerAuthService(deps: CustomerAccountServiceDeps) {
  const { db, keyRing, registry, accounts, codes } = deps;
  const meta = (context: CustomerRequestContext) => ({ ip: context.ip, userAgent: context.userAgent });

  return {
    /** Sends a sign-in code to the email, account or not (no enumeration); 429 TOO_MANY_CODES past a send budget. */
    async requestCode(context: CustomerRequestContext, input: SignInCodeRequest, language: 'es' | 'en') {
      const destination = parseCodeDestination('email', input.email);
      if (destination === null) throw validationError([{ field: 'email', message: 'must be one e-mail address (no name, list or comment)' }]);
      const { email, bidx } = emailIndexOf(deps, destination.value);
      // Budgets first, in their own transaction: a refusal issues and queues nothing.
      await deps.guard.admit({ tenantId: context.tenantId, destination, ip: context.ip });
      await withTenant(db, context.tenantId, async (trx) => {
        await assertPublicBookingOpen(trx, context.tenantId);
        const issued = await codes.issue(trx, context.tenantId, { purpose: 'sign_in', destinationBidx: bidx, customerId: null }, context.ip);
        await accounts.sendCode(trx, context.tenantId, {
          codeId: issued.id,
          purpose: 'sign_in',
          channel: 'email',
          destination: email,
          code: issued.code,
          language,
          expiresMinutes: ACCOUNT_CODE_TTL_SECONDS / 60,
        });
      });
      return { sent: true as const, expires_in: ACCOUNT_CODE_TTL_SECONDS };
    },

    /**
     * Signs in with the code. Without an account yet the customer is registered now (a first
     * name is needed, or the guest record's is used); with `new_password` the password is set or
     * replaced in the same step (the customer's other sessions then end).
     */
    async verify(context: CustomerRequestContext, input: SignInVerify): Promise<AccountTokens> {
      const { tenantId } = context;
      const { email, bidx } = emailIndexOf(deps, input.email);
      // Checked before the code is spent, so a refused password does not cost the code.
      if (input.new_password !== undefined) assertAcceptablePassword(input.new_password, email, 'new_password');
      const passwordHash = input.new_password === undefined ? null : await hashPassword(input.new_password);
      const outcome = await withTenant(db, tenantId, async (trx) => {
        await assertPublicBookingOpen(trx, tenantId);
        const check = await codes.check(trx, tenantId, { purpose: 'sign_in', destinationBidx: bidx, customerId: null }, input.code);
        // Committed as it is: a wrong code still counts as an attempt.
        if (check.outcome !== 'valid') return { refused: check.outcome } as const;
        const [existing] = await repo.findLiveByContactIndex(trx, tenantId, { emailBidx: bidx, phoneBidx: null });
        let customerId: string;
        let result: AccountTokens['outcome'];
        if (existing && isAccountHolder(existing)) {
          assertCustomerCanBook(existing);
          customerId = existing.id;
          result = 'signed_in';
        } else {
          const firstName = input.first_name ?? (existing ? decryptCustomerPii(keyRing, existing).first_name : null);
          if (!firstName) return { refused: 'needs_name' } as const;
          const registration = await registerVerifiedCustomer(trx, { keyRing, registry }, context, {
            first_name: firstName,
            last_name: input.last_name,
            email,
          });
          customerId = registration.customer.id;
          result = registration.outcome;
        }
        if (input.marketing_consent === true && !(existing?.marketing_consent ?? false)) {
          await grantConsentInTransaction(trx, keyRing, context, customerId, {
            consent_type: 'marketing',
            purpose: DEFAULT_MARKETING_PURPOSE,
            legal_basis: 'consent',
            source: 'registration_form',
          });
        }
        let revoked: string[] = [];
        if (passwordHash !== null) {
          await accountsRepo.upsertCredential(trx, tenantId, customerId, passwordHash);
          revoked = await accounts.sessions.revokeAll(trx, tenantId, customerId, 'password_reset', null);
        }
        await codes.consume(trx, tenantId, check.codeId);
        await repo.touchCustomerActivity(trx, tenantId, customerId);
        const tokens = await accounts.sessions.start(trx, { tenantId, customerId }, meta(context));
        await auditCustomer(trx, context, 'customer.signed_in', customerId, {
          metadata: { method: 'email_code', outcome: result, password_set: passwordHash !== null, session_id: tokens.session_id },
        });
        const customer = await loadAccountProfile(trx, deps, tenantId, customerId);
        return { refused: null, tokens, customer, result, revoked };
      });
      if (outcome.refused === 'needs_name') {
        throw validationError(
          [{ field: 'first_name', message: 'required to create the account' }],
          'This e-mail address has no account yet: give first_name to create it',
        );
      }
      if (outcome.refused !== null) throw refuseCode(outcome.refused);
      accounts.sessions.forget(tenantId, outcome.revoked);
      return { ...outcome.tokens, outcome: outcome.result, customer: outcome.customer };
    },

    /** Signs in with email and password; failures are throttled like staff sign-in (429 with Retry-After). */
    async passwordSignIn(context: CustomerRequestContext, input: PasswordSignIn): Promise<AccountTokens> {
      const { tenantId } = context;
      const { bidx } = emailIndexOf(deps, input.email);
      const account = throttleAccount(tenantId, bidx);
      const ip = context.ip ?? 'unknown';
      await accounts.sessions.assertLoginAllowed(account, ip);
      const outcome = await withTenant(db, tenantId, async (trx) => {
        await assertPublicBookingOpen(trx, tenantId);
        const [existing] = await repo.findLiveByContactIndex(trx, tenantId, { emailBidx: bidx, phoneBidx: null });
        const holder = existing && isAccountHolder(existing) ? existing : null;
        const credential = holder ? await accountsRepo.findCredential(trx, tenantId, holder.id) : undefined;
        if (!holder || !credential) {
          // As slow as a wrong password, so the answer does not tell whether the account exists.
          await burnPasswordCheck(input.password);
          return null;
        }
        if (!(await verifyPassword(credential.password_hash, input.password))) {
          await auditCustomer(trx, context, 'customer.sign_in_failed', holder.id, { metadata: { method: 'password' } });
          return null;
        }
        assertCustomerCanBook(holder);
        await repo.touchCustomerActivity(trx, tenantId, holder.id);
        const tokens = await accounts.sessions.start(trx, { tenantId, customerId: holder.id }, meta(context));
        await auditCustomer(trx, context, 'customer.signed_in', holder.id, {
          metadata: { method: 'password', outcome: 'signed_in', session_id: tokens.session_id },
        });
        return { tokens, customer: await loadAccountProfile(trx, deps, tenantId, holder.id) };
      });
      if (outcome === null) {
        await accounts.sessions.noteLoginFailure(account, ip);
        throw new AppError('UNAUTHENTICATED', INVALID_SIGN_IN);
      }
      await accounts.sessions.noteLoginSuccess(account);
      return { ...outcome.tokens, outcome: 'signed_in', customer: outcome.customer };
    },
  };
}

export type CustomerAuthService = ReturnType<typeof createCustomerAuthService>;
