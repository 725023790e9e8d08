/**
 * What a business may send as one-time codes through its public endpoints (guest verification,
 * customer sign-in, a customer's phone): the SMS countries it enables, the send budgets that keep
 * those endpoints from being a relay, and whether its plan may edit the code templates. The
 * budgets are counted in the database (platform/messaging/send-budgets.ts), shared by every
 * process.
 */
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db, Executor } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { COUNTRY_CALLING_CODES, callingCodeOf, countryOfTimeZone, isCountryCode } from '../../platform/messaging/calling-codes.ts';
import type { CodeDestination } from '../../platform/messaging/code-destination.ts';
import { SendBudgets, type SendBudget } from '../../platform/messaging/send-budgets.ts';
import * as repo from './tenancy.repository.ts';
import type { BusinessRow } from './tenancy.repository.ts';
import { businessSettingsOf } from './business-settings.ts';

const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * The numbers. One destination (an address or a phone, whatever the endpoint or business):
 * three codes at once, then the n-th code of the day waits 2^(n−4) × 30 s after the previous one
 * (30 s, 1 min, 2 min, ...), at most 20 a day. At one business, one destination gets at most 10
 * a day. One IP address: 30 codes an hour, at all businesses together. One business: 1,000 codes
 * an hour, 100 while it is free or on trial.
 */
export const CODE_BUDGETS = {
  destination: { windowSeconds: DAY, limit: 20, backoff: { free: 3, baseSeconds: 30 } },
  destinationAtBusiness: { windowSeconds: DAY, limit: 10 },
  ip: { windowSeconds: HOUR, limit: 30 },
  business: { windowSeconds: HOUR, limit: 1000 },
  businessOnTrial: { windowSeconds: HOUR, limit: 100 },
} as const;

/** What decides a business's code sending, read in one place. */
export interface CodeSendTerms {
  /** Calling codes SMS codes may go to (the enabled countries'). */
  smsCallingCodes: ReadonlySet<string>;
  /** Free plan or trial subscription: lower budgets, code templates locked. */
  freeOrTrial: boolean;
}

/**
 * The business's own country: its address's `country` (ISO 3166-1 alpha-2), else the country of
 * its phone's calling code, else the country of its time zone; null when none is known.
 */
function ownCountryCallingCode(business: Pick<BusinessRow, 'address' | 'phone' | 'timezone'>): string | null {
  const addressCountry = typeof business.address?.country === 'string' ? business.address.country.toUpperCase() : null;
  if (isCountryCode(addressCountry)) return COUNTRY_CALLING_CODES[addressCountry];
  const phone = business.phone?.replace(/[\s.\-()/]/g, '').replace(/^00/, '+');
  const fromPhone = phone?.startsWith('+') ? callingCodeOf(phone) : null;
  if (fromPhone !== null) return fromPhone;
  const fromZone = countryOfTimeZone(business.timezone);
  return fromZone === null ? null : COUNTRY_CALLING_CODES[fromZone];
}

/** The calling codes a business sends SMS codes to: its `sms_countries` setting, else its own country's. */
export function smsCallingCodes(business: Pick<BusinessRow, 'address' | 'phone' | 'timezone' | 'settings'>): Set<string> {
  const enabled = businessSettingsOf(business.settings).sms_countries;
  if (enabled !== undefined) return new Set(enabled.map((country) => COUNTRY_CALLING_CODES[country]));
  const own = ownCountryCallingCode(business);
  return new Set(own === null ? [] : [own]);
}

/** A free plan (no price) or a trial subscription. */
export async function isFreeOrTrial(executor: Executor, tenantId: string): Promise<boolean> {
  const tenant = await repo.findTenantById(executor, tenantId);
  if (!tenant) return true;
  const plan = await repo.findPlan(executor, tenant.plan_id);
  if (plan?.price_amount === 0) return true;
  const subscription = await repo.findLiveSubscription(executor, tenantId);
  return subscription?.status === 'trialing';
}

export async function codeSendTerms(executor: Executor, tenantId: string): Promise<CodeSendTerms> {
  const [business] = await repo.listBusinesses(executor, tenantId);
  return {
    smsCallingCodes: business ? smsCallingCodes(business) : new Set(),
    freeOrTrial: await isFreeOrTrial(executor, tenantId),
  };
}

/**
 * Refuses (403 TEMPLATE_LOCKED) a change to a security template while the business is free or
 * on trial: a new business must not be able to dress a code message as something else.
 */
export async function assertCodeTemplatesEditable(executor: Executor, tenantId: string): Promise<void> {
  if (await isFreeOrTrial(executor, tenantId)) {
    throw new AppError('TEMPLATE_LOCKED', 'Code message templates can be changed on a paid plan once the trial has ended');
  }
}

export interface CodeSendRequest {
  tenantId: string;
  destination: CodeDestination;
  /** The requester's address (`request.ip`); null for work without a request. */
  ip: string | null;
}

/** Admits one code send of a business, or refuses it before anything is stored or queued. */
export class CodeSendGuard {
  readonly #db: Db;
  readonly #budgets: SendBudgets;

  constructor(deps: { db: Db; keyRing: KeyRing }) {
    this.#db = deps.db;
    // A key of its own, derived from the deployment's key ring (the same in every process).
    this.#budgets = new SendBudgets(deps.db, Buffer.from(deps.keyRing.blindIndex('name-token', 'reservehub.code-send-budgets.v1'), 'utf8'));
  }

  /**
   * 422 SMS_COUNTRY_NOT_ALLOWED for a phone outside the business's SMS countries; 429
   * TOO_MANY_CODES (Retry-After) past a budget, which then counts nothing. Runs before, and
   * outside, the caller's transaction.
   */
  async admit(request: CodeSendRequest, now = new Date()): Promise<void> {
    const { tenantId, destination, ip } = request;
    const terms = await withTenant(this.#db, tenantId, (trx) => codeSendTerms(trx, tenantId));
    if (destination.channel === 'sms') {
      const callingCode = callingCodeOf(destination.value);
      if (callingCode === null || !terms.smsCallingCodes.has(callingCode)) {
        throw new AppError('SMS_COUNTRY_NOT_ALLOWED', 'This business does not send text messages to that country', [
          { field: 'destination', message: 'a phone number of a country the business sends SMS to' },
        ]);
      }
    }
    const budgets: SendBudget[] = [
      { name: 'destination', subject: destination.value, ...CODE_BUDGETS.destination },
      { name: 'destination-at-business', subject: `${tenantId}:${destination.value}`, ...CODE_BUDGETS.destinationAtBusiness },
      { name: 'business', subject: tenantId, ...(terms.freeOrTrial ? CODE_BUDGETS.businessOnTrial : CODE_BUDGETS.business) },
    ];
    if (ip !== null) budgets.push({ name: 'ip', subject: ip, ...CODE_BUDGETS.ip });
    const outcome = await this.#budgets.reserve(budgets, now);
    if (!outcome.allowed) {
      const retryAfter = String(outcome.retryAfterSeconds);
      throw new AppError(
        'TOO_MANY_CODES',
        'Too many codes were asked for; try again later',
        { retry_after_seconds: outcome.retryAfterSeconds },
        { 'retry-after': retryAfter },
      );
    }
  }
}
