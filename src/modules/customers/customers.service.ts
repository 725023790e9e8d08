import { randomUUID } from 'node:crypto';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import { normalizeEmail, normalizePhone } from '../../platform/crypto/pii-normalization.ts';
import type { Trx } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import { AppError, notFound, validationError, type FieldIssue } from '../../platform/http/errors.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import { publishEvent } from '../../platform/events/outbox.ts';
import { customerEventData, customerEvents } from './customers.events.ts';
import { auditCustomer, type CustomerRequestContext, type CustomersDeps } from './customer-context.ts';
import { scheduleCustomerMaintenance } from './customer-maintenance.job.ts';
import {
  decryptCustomerPii,
  emailIndex,
  encryptCustomerPii,
  phoneIndex,
  searchTokenIndexes,
  type CustomerPii,
} from './customer-pii.ts';
import { DEFAULT_MARKETING_PURPOSE, grantConsentInTransaction, withdrawConsentTypeInTransaction } from './consents.service.ts';
import * as repo from './customers.repository.ts';
import type { CreateCustomerBody, CustomerView, ListCustomersQuery, UpdateCustomerBody } from './customers.schemas.ts';
import type { CustomerPreferences, CustomerRow, CustomerStatus, CustomerType } from './customers.tables.ts';

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

export function toCustomerView(row: CustomerRow, pii: CustomerPii): CustomerView {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    first_name: pii.first_name ?? '',
    last_name: pii.last_name,
    email: pii.email,
    phone: pii.phone,
    date_of_birth: pii.date_of_birth,
    notes: pii.notes,
    preferences: row.preferences,
    marketing_consent: row.marketing_consent,
    email_verified_at: iso(row.email_verified_at),
    phone_verified_at: iso(row.phone_verified_at),
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}

/** The specification's CHECK rule, answered as a 400 before the database refuses it. */
export function assertContactRule(type: CustomerType, pii: Pick<CustomerPii, 'email' | 'phone'>): void {
  if (type === 'registered' && pii.email === null) {
    throw validationError([{ field: 'email', message: 'a registered customer needs an email' }]);
  }
  if (type === 'guest' && pii.email === null && pii.phone === null) {
    throw validationError([{ field: 'email', message: 'a guest needs an email or a phone' }]);
  }
}

/** E.164 or a 400 naming the field (zod already checked it at the edge; this guards internal callers). */
export function phoneOrThrow(phone: string | null | undefined, field = 'phone'): string | null {
  if (phone === null || phone === undefined) return null;
  const normalized = normalizePhone(phone);
  if (normalized === null) throw validationError([{ field, message: 'an international number in E.164 form' }]);
  return normalized;
}

/**
 * Email and phone are unique per tenant: a clear 409 naming the field (and
 * the customer holding it, so staff can merge) instead of a constraint error.
 */
export async function assertContactsFree(
  trx: Trx,
  keyRing: KeyRing,
  tenantId: string,
  contacts: { email: string | null; phone: string | null },
  exceptId: string | null,
): Promise<void> {
  const emailBidx = contacts.email === null ? null : emailIndex(keyRing, contacts.email);
  const phoneBidx = contacts.phone === null ? null : phoneIndex(keyRing, contacts.phone);
  const holders = await repo.findContactIndexHolders(trx, tenantId, { emailBidx, phoneBidx }, exceptId);
  const issues: Array<FieldIssue & { customer_id: string }> = [];
  for (const holder of holders) {
    if (emailBidx !== null && holder.email_bidx === emailBidx) {
      issues.push({ field: 'email', message: 'another customer already has this email', customer_id: holder.id });
    }
    if (phoneBidx !== null && holder.phone_bidx === phoneBidx) {
      issues.push({ field: 'phone', message: 'another customer already has this phone', customer_id: holder.id });
    }
  }
  if (issues.length > 0) throw new AppError('CONFLICT', 'A customer with this email or phone already exists', issues);
}

/** A unique violation that slipped past the check (a concurrent insert) is the same 409. */
export function rethrowUniqueViolation(error: unknown): never {
  if (typeof error === 'object' && error !== null && 'code' in error && error.code === '23505') {
    throw new AppError('CONFLICT', 'A customer with this email or phone already exists');
  }
  throw error;
}

/**
 * What a search text means: an exact email (contains "@"), an exact phone
 * (digits in international form), else name-word prefixes. Null when no word
 * is long enough to search for.
 */
export function searchFilter(
  keyRing: KeyRing,
  text: string,
): Pick<repo.CustomerListFilter, 'emailBidx' | 'phoneBidx' | 'nameTokens'> | null {
  const trimmed = text.trim();
  if (trimmed.includes('@')) return { emailBidx: emailIndex(keyRing, trimmed) };
  const phone = /^[+0][\d\s().-]{6,}$/.test(trimmed) ? normalizePhone(trimmed) : null;
  if (phone !== null) return { phoneBidx: phoneIndex(keyRing, phone) };
  const tokens = searchTokenIndexes(keyRing, trimmed);
  return tokens.length === 0 ? null : { nameTokens: tokens };
}

/**
 * Ids of live customers matching a search text, newest first, for other
 * modules' filters (bookings list `search=`). Same matching as
 * `GET /customers?search=`; an unsearchable text matches nobody.
 */
export async function searchCustomerIds(
  trx: Trx,
  keyRing: KeyRing,
  tenantId: string,
  text: string,
  limit = 200,
): Promise<string[]> {
  const search = searchFilter(keyRing, text);
  if (search === null) return [];
  const rows = await repo.listLiveCustomers(trx, tenantId, { ...search, limit });
  return rows.slice(0, limit).map((row) => row.id);
}

function preferencesJson(preferences: CustomerPreferences | undefined): string {
  return JSON.stringify(preferences ?? {});
}

/** Creates a customer inside the caller's transaction (staff API, booking flow, customer sign-up). */
export async function createCustomerInTransaction(
  trx: Trx,
  keyRing: KeyRing,
  context: CustomerRequestContext,
  input: CreateCustomerBody & { email_verified_at?: Date | null; phone_verified_at?: Date | null; marketing_source?: string },
): Promise<{ row: CustomerRow; pii: CustomerPii }> {
  const { tenantId } = context;
  const pii: CustomerPii = {
    first_name: input.first_name.trim(),
    last_name: input.last_name?.trim() || null,
    email: input.email === undefined ? null : normalizeEmail(input.email),
    phone: phoneOrThrow(input.phone),
    date_of_birth: input.date_of_birth ?? null,
    notes: input.notes ?? null,
  };
  const type: CustomerType = input.type ?? (pii.email !== null ? 'registered' : 'guest');
  assertContactRule(type, pii);
  await assertContactsFree(trx, keyRing, tenantId, pii, null);
  const row = await repo
    .insertCustomer(trx, tenantId, {
      id: randomUUID(),
      type,
      ...encryptCustomerPii(keyRing, tenantId, pii),
      preferences: preferencesJson(input.preferences),
      email_verified_at: input.email_verified_at ?? null,
      phone_verified_at: input.phone_verified_at ?? null,
    })
    .catch(rethrowUniqueViolation);
  // Events are stored and delivered in clear: ids and non-personal attributes only.
  await publishEvent(trx, customerEvents.created, { tenantId, aggregateId: row.id, data: customerEventData(row) });
  await auditCustomer(trx, context, 'customer.created', row.id, {
    newValues: { type, fields: Object.keys(input).filter((key) => key !== 'marketing_source') },
  });
  let result = row;
  if (input.marketing_consent === true) {
    await grantConsentInTransaction(trx, keyRing, context, row.id, {
      consent_type: 'marketing',
      purpose: DEFAULT_MARKETING_PURPOSE,
      legal_basis: 'consent',
      source: input.marketing_source ?? 'staff',
    });
    result = (await repo.findLiveCustomer(trx, tenantId, row.id)) ?? row;
  }
  await scheduleCustomerMaintenance(trx, tenantId);
  return { row: result, pii };
}

export function createCustomersService(deps: CustomersDeps) {
  const { db, keyRing } = deps;

  return {
    async create(context: CustomerRequestContext, input: CreateCustomerBody): Promise<CustomerView> {
      return withTenant(db, context.tenantId, async (trx) => {
        const { row, pii } = await createCustomerInTransaction(trx, keyRing, context, input);
        return toCustomerView(row, pii);
      });
    },

    async list(
      context: CustomerRequestContext,
      query: ListCustomersQuery,
    ): Promise<{ items: CustomerView[]; pagination: PaginationMeta }> {
      const filter: repo.CustomerListFilter = {
        status: query.status,
        type: query.type,
        after: decodeCursor(query.cursor),
        limit: query.limit,
      };
      if (query.search !== undefined) {
        const search = searchFilter(keyRing, query.search);
        if (search === null) {
          throw validationError([{ field: 'search', message: 'give at least one word of 3 or more letters, an email or a phone' }]);
        }
        Object.assign(filter, search);
      }
      return withTenant(db, context.tenantId, async (trx) => {
        const rows = await repo.listLiveCustomers(trx, context.tenantId, filter);
        const page = toPage(rows, query.limit, (row) => ({ value: new Date(row.created_at).toISOString(), id: row.id }));
        return {
          items: page.items.map((row) => toCustomerView(row, decryptCustomerPii(keyRing, row))),
          pagination: page.pagination,
        };
      });
    },

    /** The full profile; staff reads are audited with the access reason when given. */
    async get(context: CustomerRequestContext, customerId: string): Promise<CustomerView> {
      return withTenant(db, context.tenantId, async (trx) => {
        const row = await repo.findLiveCustomer(trx, context.tenantId, customerId);
        if (!row) throw notFound('Customer');
        await auditCustomer(trx, context, 'customer.viewed', customerId);
        return toCustomerView(row, decryptCustomerPii(keyRing, row));
      });
    },

    async update(context: CustomerRequestContext, customerId: string, patch: UpdateCustomerBody): Promise<CustomerView> {
      return withTenant(db, context.tenantId, async (trx) => {
        const { tenantId } = context;
        const current = await repo.findLiveCustomer(trx, tenantId, customerId, { forUpdate: true });
        if (!current) throw notFound('Customer');
        const before = decryptCustomerPii(keyRing, current);
        const next: CustomerPii = {
          first_name: patch.first_name?.trim() ?? before.first_name,
          last_name: patch.last_name === undefined ? before.last_name : patch.last_name?.trim() || null,
          email: patch.email === undefined ? before.email : patch.email === null ? null : normalizeEmail(patch.email),
          phone: patch.phone === undefined ? before.phone : phoneOrThrow(patch.phone),
          date_of_birth: patch.date_of_birth === undefined ? before.date_of_birth : patch.date_of_birth,
          notes: patch.notes === undefined ? before.notes : patch.notes,
        };
        const type = patch.type ?? current.type;
        assertContactRule(type, next);
        const emailChanged = next.email !== before.email;
        const phoneChanged = next.phone !== before.phone;
        if (emailChanged || phoneChanged) {
          await assertContactsFree(
            trx,
            keyRing,
            tenantId,
            { email: emailChanged ? next.email : null, phone: phoneChanged ? next.phone : null },
            customerId,
          );
        }
        const changedFields = (Object.keys(patch) as Array<keyof UpdateCustomerBody>).filter(
          (key) => key !== 'marketing_consent',
        );
        // The whole row is re-encrypted under the current key, so its key_id stays true.
        let row = await repo
          .updateCustomer(trx, tenantId, customerId, {
            ...encryptCustomerPii(keyRing, tenantId, next),
            type,
            status: patch.status ?? current.status,
            ...(patch.preferences !== undefined ? { preferences: preferencesJson(patch.preferences) } : {}),
            ...(emailChanged ? { email_verified_at: null } : {}),
            ...(phoneChanged ? { phone_verified_at: null } : {}),
            last_activity_at: new Date(),
          })
          .catch(rethrowUniqueViolation);
        if (patch.marketing_consent === true && !current.marketing_consent) {
          await grantConsentInTransaction(trx, keyRing, context, customerId, {
            consent_type: 'marketing',
            purpose: DEFAULT_MARKETING_PURPOSE,
            legal_basis: 'consent',
            source: 'staff',
          });
        } else if (patch.marketing_consent === false && current.marketing_consent) {
          await withdrawConsentTypeInTransaction(trx, context, customerId, 'marketing', 'staff');
        }
        if (patch.marketing_consent !== undefined) {
          row = (await repo.findLiveCustomer(trx, tenantId, customerId)) ?? row;
        }
        const previous: { status?: CustomerStatus; type?: CustomerType } = {};
        if (row.status !== current.status) previous.status = current.status;
        if (row.type !== current.type) previous.type = current.type;
        await publishEvent(trx, customerEvents.updated, {
          tenantId,
          aggregateId: customerId,
          data: customerEventData({ id: customerId, type: row.type, status: row.status }, { changed_fields: changedFields }),
          previousAttributes: previous,
        });
        await auditCustomer(trx, context, 'customer.updated', customerId, {
          oldValues: previous,
          newValues: { fields: changedFields, status: row.status, type: row.type },
        });
        return toCustomerView(row, next);
      });
    },
  };
}

export type CustomersService = ReturnType<typeof createCustomersService>;
