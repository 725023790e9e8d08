/**
 * A signed-in customer's own account (`/api/v1/me`): profile and preferences, marketing consent
 * (recorded per spec §7.4.2 with the source `customer_account`), password, a phone proved by SMS
 * (which attaches guest history held under it, RF5.7), saved payment methods, the GDPR export of
 * their data and closing the account (erasure). Bookings go through the booking module's
 * `CustomerBookingsPort`. Every function acts on the customer the credential names, never on an
 * id from the request.
 */
import { normalizeEmail } from '../../platform/crypto/pii-normalization.ts';
import type { Trx } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { publishEvent } from '../../platform/events/outbox.ts';
import { customerEventData, customerEvents } from './customers.events.ts';
import { notFound, validationError } from '../../platform/http/errors.ts';
import { assertAcceptablePassword, hashPassword, verifyPassword } from '../identity/index.ts';
import type { CodeSendGuard } from '../tenancy/index.ts';
import { ACCOUNT_CODE_TTL_SECONDS, refuseCode, type AccountCodes } from './customer-account-codes.ts';
import type { CustomerAccountsDeps } from './customer-account-ports.ts';
import type { AccountPassword, AccountProfile, AccountUpdate, PhoneCodeRequest, PhoneVerify } from './customer-account.schemas.ts';
import { attachVerifiedPhone } from './customer-accounts.ts';
import * as accountsRepo from './customer-accounts.repository.ts';
import { auditCustomer, type CustomerRequestContext, type CustomersDeps } from './customer-context.ts';
import type { ErasureParticipant, CustomerMergeParticipant } from './customer-data-registry.ts';
import { eraseCustomerInTransaction } from './customer-erasure.service.ts';
import { decryptCustomerPii, emailIndex, encryptCustomerPii, phoneIndex, type CustomerPii } from './customer-pii.ts';
import { DEFAULT_MARKETING_PURPOSE, grantConsentInTransaction, toConsentView, withdrawConsentTypeInTransaction } from './consents.service.ts';
import * as consentsRepo from './consents.repository.ts';
import * as repo from './customers.repository.ts';
import { phoneOrThrow, toCustomerView } from './customers.service.ts';
import type { CustomerRow } from './customers.tables.ts';
import type { ConsentView } from './consents.schemas.ts';
import { createExportService } from './personal-data-export.service.ts';
import type { DeletionReport, UserDataExport } from './privacy.schemas.ts';

/** Where consents given or withdrawn from the account are recorded as coming from. */
export const ACCOUNT_CONSENT_SOURCE = 'customer_account';

export interface CustomerAccountServiceDeps extends CustomersDeps {
  accounts: CustomerAccountsDeps;
  codes: AccountCodes;
  /** Admits each code send (one destination, SMS countries, budgets shared with guest codes). */
  guard: CodeSendGuard;
}

/** A registered customer with a verified email: someone who may sign in. */
export function isAccountHolder(row: CustomerRow): boolean {
  return row.type === 'registered' && row.email_verified_at !== null;
}

export function toAccountProfile(row: CustomerRow, pii: CustomerPii, hasPassword: boolean): AccountProfile {
  const { notes: _staffNotes, ...view } = toCustomerView(row, pii);
  return { ...view, has_password: hasPassword };
}

/** The signed-in customer's profile, read in the caller's transaction (NOT_FOUND once erased or merged away). */
export async function loadAccountProfile(trx: Trx, deps: Pick<CustomersDeps, 'keyRing'>, tenantId: string, customerId: string): Promise<AccountProfile> {
  const row = await repo.findLiveCustomer(trx, tenantId, customerId);
  if (!row) throw notFound('Customer');
  const credential = await accountsRepo.findCredential(trx, tenantId, customerId);
  return toAccountProfile(row, decryptCustomerPii(deps.keyRing, row), credential !== undefined);
}

/**
 * Customer accounts' part in erasure: the password hash and pending codes go, and every session
 * ends with its IP address and user agent removed. Runs inside the erasure's transaction, before
 * the customer's row is emptied (so the email and phone indexes are still there to match codes).
 */
export function accountErasureParticipant(deps: Pick<CustomerAccountServiceDeps, 'accounts'>): ErasureParticipant {
  const endSessions = async (trx: Trx, tenantId: string, customerId: string): Promise<number> => {
    const ended = await deps.accounts.sessions.endForErasure(trx, tenantId, customerId);
    deps.accounts.sessions.forget(tenantId, ended);
    return ended.length;
  };
  return {
    name: 'customer_accounts',
    async erase(trx, tenantId, customerId) {
      const row = await repo.findLiveCustomer(trx, tenantId, customerId);
      const indexes = [row?.email_bidx, row?.phone_bidx].filter((value): value is string => typeof value === 'string');
      const counts: Array<[string, number]> = [
        ['customer_credentials', await accountsRepo.deleteCredential(trx, tenantId, customerId)],
        ['customer_account_codes', await accountsRepo.deleteCodesOf(trx, tenantId, customerId, indexes)],
        ['sessions', await endSessions(trx, tenantId, customerId)],
      ];
      return {
        deleted: counts.filter(([, count]) => count > 0).map(([table, count]) => ({ table, count, anonymized: table === 'sessions' })),
        retained: [],
      };
    },
  };
}

/**
 * A merged-away duplicate cannot sign in any more: its sessions end and its password goes (the
 * surviving record keeps its own way in; the emailed code works for it in any case). Nothing moves.
 */
export function accountMergeParticipant(deps: Pick<CustomerAccountServiceDeps, 'accounts'>): CustomerMergeParticipant {
  return {
    name: 'customer_accounts',
    async reassign(trx, tenantId, { duplicateId }) {
      await deps.accounts.sessions.revokeAll(trx, tenantId, duplicateId, 'customer_merged', null);
      await accountsRepo.deleteCredential(trx, tenantId, duplicateId);
      return 0;
    },
  };
}

export function createCustomerAccountService(deps: CustomerAccountServiceDeps) {
  const { db, keyRing, registry, accounts, codes } = deps;
  const exporter = createExportService(deps);

  async function liveAccount(trx: Trx, tenantId: string, customerId: string, forUpdate = false): Promise<CustomerRow> {
    const row = await repo.findLiveCustomer(trx, tenantId, customerId, { forUpdate });
    if (!row) throw notFound('Customer');
    return row;
  }

  return {
    async profile(context: CustomerRequestContext, customerId: string): Promise<AccountProfile> {
      return withTenant(db, context.tenantId, (trx) => loadAccountProfile(trx, deps, context.tenantId, customerId));
    },

    /** Name, date of birth, preferences (merged key by key) and marketing consent. Contact data changes only by proof. */
    async update(context: CustomerRequestContext, customerId: string, patch: AccountUpdate): Promise<AccountProfile> {
      const { tenantId } = context;
      return withTenant(db, tenantId, async (trx) => {
        const current = await liveAccount(trx, tenantId, customerId, true);
        const before = decryptCustomerPii(keyRing, current);
        const next: CustomerPii = {
          ...before,
          first_name: patch.first_name ?? before.first_name,
          last_name: patch.last_name === undefined ? before.last_name : patch.last_name,
          date_of_birth: patch.date_of_birth === undefined ? before.date_of_birth : patch.date_of_birth,
        };
        await repo.updateCustomer(trx, tenantId, customerId, {
          ...encryptCustomerPii(keyRing, tenantId, next),
          ...(patch.preferences !== undefined ? { preferences: JSON.stringify({ ...current.preferences, ...patch.preferences }) } : {}),
          last_activity_at: new Date(),
        });
        if (patch.marketing_consent === true && !current.marketing_consent) {
          await grantConsentInTransaction(trx, keyRing, context, customerId, {
            consent_type: 'marketing',
            purpose: DEFAULT_MARKETING_PURPOSE,
            legal_basis: 'consent',
            source: ACCOUNT_CONSENT_SOURCE,
          });
        } else if (patch.marketing_consent === false && current.marketing_consent) {
          await withdrawConsentTypeInTransaction(trx, context, customerId, 'marketing', ACCOUNT_CONSENT_SOURCE);
        }
        const changedFields = Object.keys(patch);
        await publishEvent(trx, customerEvents.updated, {
          tenantId,
          aggregateId: customerId,
          data: customerEventData({ id: customerId, type: current.type, status: current.status }, { changed_fields: changedFields }),
        });
        await auditCustomer(trx, context, 'customer.updated', customerId, { newValues: { fields: changedFields, source: ACCOUNT_CONSENT_SOURCE } });
        return loadAccountProfile(trx, deps, tenantId, customerId);
      });
    },

    async consents(context: CustomerRequestContext, customerId: string): Promise<ConsentView[]> {
      return withTenant(db, context.tenantId, async (trx) => {
        await liveAccount(trx, context.tenantId, customerId);
        return (await consentsRepo.listConsents(trx, context.tenantId, customerId)).map((row) => toConsentView(keyRing, row));
      });
    },

    /**
     * Sets the password (12–128 characters, not breached, not the email). Changing an existing
     * one needs it; a forgotten one is replaced by signing in with a code and `new_password`.
     * The customer's other sessions end.
     */
    async changePassword(context: CustomerRequestContext, customerId: string, sessionId: string | null, input: AccountPassword) {
      const { tenantId } = context;
      const revoked = await withTenant(db, tenantId, async (trx) => {
        const row = await liveAccount(trx, tenantId, customerId, true);
        const email = decryptCustomerPii(keyRing, row).email ?? '';
        const credential = await accountsRepo.findCredential(trx, tenantId, customerId);
        if (credential) {
          if (input.current_password === undefined) {
            throw validationError([{ field: 'current_password', message: 'required to change the password' }]);
          }
          if (!(await verifyPassword(credential.password_hash, input.current_password))) {
            throw validationError([{ field: 'current_password', message: 'incorrect' }], 'The current password is not correct');
          }
        }
        assertAcceptablePassword(input.new_password, email, 'new_password');
        await accountsRepo.upsertCredential(trx, tenantId, customerId, await hashPassword(input.new_password));
        const ids = await accounts.sessions.revokeAll(trx, tenantId, customerId, 'password_changed', sessionId);
        await auditCustomer(trx, context, 'customer.password_set', customerId, { metadata: { other_sessions_revoked: ids.length } });
        return ids;
      });
      accounts.sessions.forget(tenantId, revoked);
      return { other_sessions_revoked: revoked.length };
    },

    /** Sends a code by SMS to a phone the customer wants to add (limits as for sign-in codes). */
    async requestPhoneCode(context: CustomerRequestContext, customerId: string, input: PhoneCodeRequest, language: 'es' | 'en') {
      const phone = phoneOrThrow(input.phone) ?? '';
      await deps.guard.admit({ tenantId: context.tenantId, destination: { channel: 'sms', value: phone }, ip: context.ip });
      await withTenant(db, context.tenantId, async (trx) => {
        await liveAccount(trx, context.tenantId, customerId);
        const target = { purpose: 'phone_verification' as const, destinationBidx: phoneIndex(keyRing, phone), customerId };
        const issued = await codes.issue(trx, context.tenantId, target, context.ip);
        await accounts.sendCode(trx, context.tenantId, {
          codeId: issued.id,
          purpose: 'phone_verification',
          channel: 'sms',
          destination: phone,
          code: issued.code,
          language,
          expiresMinutes: ACCOUNT_CODE_TTL_SECONDS / 60,
        });
      });
      return { sent: true as const, expires_in: ACCOUNT_CODE_TTL_SECONDS };
    },

    /**
     * Proves the phone with its code and gives it to the account: guest records holding it are
     * merged in with their bookings (RF5.7); another account holding it → 409.
     */
    async verifyPhone(context: CustomerRequestContext, customerId: string, input: PhoneVerify) {
      const { tenantId } = context;
      const phone = phoneOrThrow(input.phone) ?? '';
      const target = { purpose: 'phone_verification' as const, destinationBidx: phoneIndex(keyRing, phone), customerId };
      const outcome = await withTenant(db, tenantId, async (trx) => {
        await liveAccount(trx, tenantId, customerId, true);
        const check = await codes.check(trx, tenantId, target, input.code);
        // Committed as it is: a wrong code still counts as an attempt.
        if (check.outcome !== 'valid') return { refused: check.outcome };
        const merged = await attachVerifiedPhone(trx, { keyRing, registry }, context, customerId, phone);
        await codes.consume(trx, tenantId, check.codeId);
        const customer = await loadAccountProfile(trx, deps, tenantId, customerId);
        await publishEvent(trx, customerEvents.updated, {
          tenantId,
          aggregateId: customerId,
          data: customerEventData({ id: customerId, type: customer.type, status: customer.status }, { changed_fields: ['phone', 'phone_verified_at'] }),
        });
        await auditCustomer(trx, context, 'customer.phone_verified', customerId, { newValues: { merged_customer_ids: merged } });
        return { refused: null, merged, customer };
      });
      if (outcome.refused !== null) throw refuseCode(outcome.refused);
      return { customer: outcome.customer, merged_customer_ids: outcome.merged };
    },

    async paymentMethods(context: CustomerRequestContext, customerId: string) {
      return withTenant(db, context.tenantId, async (trx) => {
        await liveAccount(trx, context.tenantId, customerId);
        return accounts.paymentMethods.listForCustomer(trx, context.tenantId, customerId);
      });
    },

    async removePaymentMethod(context: CustomerRequestContext, customerId: string, paymentMethodId: string): Promise<void> {
      await withTenant(db, context.tenantId, async (trx) => {
        await liveAccount(trx, context.tenantId, customerId);
        if (!(await accounts.paymentMethods.removeForCustomer(trx, context.tenantId, customerId, paymentMethodId))) {
          throw notFound('Payment method');
        }
        await auditCustomer(trx, context, 'customer.payment_method_removed', customerId, { newValues: { payment_method_id: paymentMethodId } });
      });
    },

    /** The customer's own GDPR export (Art. 15 and 20), the same document staff would produce; audited. */
    async exportData(context: CustomerRequestContext, customerId: string, format: 'json' | 'csv'): Promise<UserDataExport> {
      return exporter.exportData(context, customerId, format);
    },

    /** Closes the account: erasure (Art. 17) with the reason `account_closed`; every session ends. */
    async close(context: CustomerRequestContext, customerId: string): Promise<DeletionReport> {
      const { tenantId } = context;
      const report = await withTenant(db, tenantId, (trx) => eraseCustomerInTransaction(trx, registry, context, customerId, 'account_closed'));
      // The erasure participant ended the sessions in the transaction; this process forgets the caller's at once.
      if (context.auth?.sessionId) accounts.sessions.forget(tenantId, [context.auth.sessionId]);
      return report;
    },
  };
}

export type CustomerAccountService = ReturnType<typeof createCustomerAccountService>;

/** The email a code signs in with, as the blind index the customers table uses. */
export function emailIndexOf(deps: Pick<CustomersDeps, 'keyRing'>, email: string): { email: string; bidx: string } {
  const normalized = normalizeEmail(email);
  return { email: normalized, bidx: emailIndex(deps.keyRing, normalized) };
}
