/**
 * A tenant's custom domain for its booking page (book.salon-example.com). The owner names a host;
 * the product answers the two DNS records to create: a CNAME to the platform host (traffic) and a
 * TXT record with a token only this tenant knows (ownership). Verification reads both through the
 * resolver in the module's deps, and only then is the host copied to `tenants.domain`, which
 * host-name resolution reads; a pending or failed domain resolves to nothing.
 */
import { randomBytes } from 'node:crypto';
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db, Executor } from '../../platform/db/database.ts';
import { withPlatform, withTenant } from '../../platform/db/tenant-context.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { annotateAudit } from '../audit/index.ts';
import { callerOf } from '../../platform/http/access.ts';
import { ownTenant } from './tenancy.routes.ts';
import { tenantIdParams } from './tenancy.schemas.ts';
import './tenancy.tables.ts';

export type DomainStatus = 'pending' | 'verified' | 'failed';

declare module '../../platform/db/database.ts' {
  interface Database {
    custom_domains: {
      tenant_id: string;
      host: string;
      token: string;
      status: DomainStatus;
      failure: string | null;
      checked_at: Date | null;
      verified_at: Date | null;
      created_at: Date | undefined;
      updated_at: Date;
    };
  }
}

/** The two DNS questions verification asks; `node:dns/promises` in production, a fake in tests. */
export interface DnsResolver {
  resolveTxt(name: string): Promise<string[][]>;
  resolveCname(name: string): Promise<string[]>;
}

export const CHALLENGE_LABEL = '_reservehub-challenge';
const TXT_PREFIX = 'reservehub-verification=';
/** Answers that mean "no such record" rather than "DNS did not answer". */
const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
/** A top-level domain is letters (or an IDN's xn-- form): this refuses IPv4 addresses written as names. */
const TOP_LABEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

export const customDomainSchema = z.object({
  host: z.string(),
  status: z.enum(['pending', 'verified', 'failed']),
  cname: z.object({ name: z.string(), target: z.string() }).describe('Create this CNAME record so the host reaches the platform'),
  txt: z.object({ name: z.string(), value: z.string() }).describe('Create this TXT record to prove the domain is yours'),
  failure: z.enum(['txt_missing', 'cname_missing', 'dns_error']).nullable().describe('What the last check did not find'),
  checked_at: z.string().nullable(),
  verified_at: z.string().nullable(),
});
export type CustomDomain = z.output<typeof customDomainSchema>;
type Failure = NonNullable<CustomDomain['failure']>;

const domainBodySchema = z.object({ host: z.string().trim().min(1).max(300).describe('A host name such as book.salon-example.com') }).strict();

/** The host as stored (lower case, no trailing dot), or 422 DOMAIN_NOT_ALLOWED with the reason. */
export function normaliseHost(input: string, platformHost: string): string {
  const host = input.trim().toLowerCase().replace(/\.$/, '');
  const refuse = (reason: string, message: string) => new AppError('DOMAIN_NOT_ALLOWED', message, { reason });
  if (isIP(host) !== 0 || isIP(host.replace(/^\[|\]$/g, '')) !== 0) throw refuse('domain_ip', 'Use a host name, not an IP address');
  const labels = host.split('.');
  if (host.length > 253 || labels.length < 2 || !labels.every((label) => LABEL.test(label)) || !TOP_LABEL.test(labels.at(-1) ?? '')) {
    throw refuse('domain_invalid', 'That is not a valid host name (such as book.salon-example.com)');
  }
  // The platform's own host and the domain it lives under (app.reservehub.com → reservehub.com) are ours.
  const platformLabels = platformHost.split('.');
  const platformDomain = platformLabels.length > 2 ? platformLabels.slice(1).join('.') : platformHost;
  if ([platformHost, platformDomain].some((own) => host === own || host.endsWith(`.${own}`))) {
    throw refuse('domain_platform', 'That host belongs to the platform');
  }
  return host;
}

interface DomainRow {
  host: string;
  token: string;
  status: DomainStatus;
  failure: string | null;
  checked_at: Date | null;
  verified_at: Date | null;
}

const iso = (value: Date | null): string | null => (value === null ? null : new Date(value).toISOString());

function toCustomDomain(row: DomainRow, platformHost: string): CustomDomain {
  return {
    host: row.host,
    status: row.status,
    cname: { name: row.host, target: platformHost },
    txt: { name: `${CHALLENGE_LABEL}.${row.host}`, value: `${TXT_PREFIX}${row.token}` },
    failure: customDomainSchema.shape.failure.catch(null).parse(row.failure),
    checked_at: iso(row.checked_at),
    verified_at: iso(row.verified_at),
  };
}

async function findDomain(executor: Executor, tenantId: string): Promise<DomainRow | undefined> {
  return executor
    .selectFrom('custom_domains')
    .select(['host', 'token', 'status', 'failure', 'checked_at', 'verified_at'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
}

/** Whether another tenant already uses `host` for its booking page (platform read: it spans tenants). */
async function heldByAnother(db: Db, tenantId: string, host: string): Promise<boolean> {
  const row = await withPlatform(db, (trx) => trx.selectFrom('tenants').select('id').where(sql<string>`lower(domain)`, '=', host).where('id', '<>', tenantId).executeTakeFirst());
  return row !== undefined;
}

/** Points host-name resolution (`tenants.domain`) at `host` for this tenant, or at nothing. */
function serveDomain(executor: Executor, tenantId: string, host: string | null, at: Date = new Date()) {
  return executor.updateTable('tenants').set({ domain: host, updated_at: at }).where('id', '=', tenantId).execute();
}

const taken = () => new AppError('CONFLICT', 'Another business already uses that domain', { reason: 'domain_taken' });

/** What DNS says about `row`: null when both records are in place, else what is missing. */
async function checkDns(resolver: DnsResolver, row: DomainRow, platformHost: string): Promise<Failure | null> {
  const records = async <T>(lookup: Promise<T[]>): Promise<T[] | 'error'> =>
    lookup.catch((error: unknown) => {
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
      return NO_RECORD.has(code) ? [] : 'error';
    });
  const [txt, cname] = await Promise.all([records(resolver.resolveTxt(`${CHALLENGE_LABEL}.${row.host}`)), records(resolver.resolveCname(row.host))]);
  if (txt === 'error' || cname === 'error') return 'dns_error';
  if (!txt.some((chunks) => chunks.join('') === `${TXT_PREFIX}${row.token}`)) return 'txt_missing';
  if (!cname.some((target) => target.toLowerCase().replace(/\.$/, '') === platformHost)) return 'cname_missing';
  return null;
}

export interface CustomDomainDeps {
  db: Db;
  /** The platform's own host name (PUBLIC_URL's): the CNAME target, and never a tenant's domain. */
  platformHost: string;
  resolver?: DnsResolver | undefined;
}

export function registerCustomDomainRoutes(api: ApiRouter, deps: CustomDomainDeps): void {
  const { db } = deps;
  const platformHost = deps.platformHost.toLowerCase();
  const resolver = deps.resolver ?? dns;
  const tags = ['Tenancy'];
  const answer = envelopeSchema(customDomainSchema.nullable());

  api.get(
    '/tenants/:id/domain',
    {
      config: { access: { permission: ['read', 'Tenant'] } },
      schema: { tags, summary: "The booking page's custom domain and its DNS records (null: none)", params: tenantIdParams, response: { 200: answer } },
    },
    async (request) => {
      const tenantId = ownTenant(callerOf(request), request.params.id);
      const row = await withTenant(db, tenantId, (trx) => findDomain(trx, tenantId));
      return ok(row ? toCustomDomain(row, platformHost) : null);
    },
  );

  api.put(
    '/tenants/:id/domain',
    {
      config: { access: { permission: ['update', 'Tenant'] } },
      schema: {
        tags,
        summary: 'Ask for a custom domain for the booking page (pending until verified)',
        description:
          'Answers the CNAME and TXT records to create, then `POST .../domain/verify`. A new host replaces the previous ' +
          'one, which stops resolving at once. 422 DOMAIN_NOT_ALLOWED: not a host name, an IP address, or the platform\'s ' +
          'own domain; 409 CONFLICT: another business uses it.',
        params: tenantIdParams,
        body: domainBodySchema,
        response: { 200: answer },
      },
    },
    async (request) => {
      const tenantId = ownTenant(callerOf(request), request.params.id);
      const host = normaliseHost(request.body.host, platformHost);
      if (await heldByAnother(db, tenantId, host)) throw taken();
      const { before, after } = await withTenant(db, tenantId, async (trx) => {
        const previous = await findDomain(trx, tenantId);
        if (previous?.host === host) return { before: previous, after: previous };
        const values = { host, token: randomBytes(24).toString('base64url'), status: 'pending' as const, failure: null, checked_at: null, verified_at: null, updated_at: new Date() };
        await trx
          .insertInto('custom_domains')
          .values({ tenant_id: tenantId, ...values })
          .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
          .execute();
        // The old host stops resolving to this tenant the moment it is replaced.
        await serveDomain(trx, tenantId, null);
        return { before: previous, after: { ...values } };
      });
      annotateAudit(request, { action: 'tenant.domain_requested', entityType: 'tenant', entityId: tenantId, oldValues: { host: before?.host ?? null }, newValues: { host: after.host } });
      return ok(toCustomDomain(after, platformHost));
    },
  );

  api.post(
    '/tenants/:id/domain/verify',
    {
      config: { access: { permission: ['update', 'Tenant'] } },
      schema: {
        tags,
        summary: 'Check the DNS records of the custom domain; once both are found it serves the booking page',
        description: 'Answers the domain with `status` verified or failed (`failure` says what was missing). 404 when no domain was asked for.',
        params: tenantIdParams,
        response: { 200: answer },
      },
    },
    async (request) => {
      const tenantId = ownTenant(callerOf(request), request.params.id);
      const row = await withTenant(db, tenantId, (trx) => findDomain(trx, tenantId));
      if (!row) throw notFound('Custom domain');
      // DNS is asked outside any transaction: a slow answer holds no connection.
      const failure = await checkDns(resolver, row, platformHost);
      if (failure === null && (await heldByAnother(db, tenantId, row.host))) throw taken();
      const now = new Date();
      const checked: DomainRow = { ...row, status: failure === null ? 'verified' : 'failed', failure, checked_at: now, verified_at: failure === null ? now : null };
      await withTenant(db, tenantId, async (trx) => {
        await trx
          .updateTable('custom_domains')
          .set({ status: checked.status, failure, checked_at: now, verified_at: checked.verified_at, updated_at: now })
          .where('tenant_id', '=', tenantId)
          .where('host', '=', row.host)
          .execute();
        // The unique constraint on tenants.domain settles a race between two tenants verifying one host (409).
        await serveDomain(trx, tenantId, failure === null ? row.host : null, now);
      });
      annotateAudit(request, { action: 'tenant.domain_checked', entityType: 'tenant', entityId: tenantId, newValues: { host: row.host, status: checked.status, failure } });
      return ok(toCustomDomain(checked, platformHost));
    },
  );

  api.delete(
    '/tenants/:id/domain',
    {
      config: { access: { permission: ['update', 'Tenant'] } },
      schema: { tags, summary: 'Stop using the custom domain (the booking page stays at its usual address)', params: tenantIdParams, response: { 200: answer } },
    },
    async (request) => {
      const tenantId = ownTenant(callerOf(request), request.params.id);
      const removed = await withTenant(db, tenantId, async (trx) => {
        const row = await findDomain(trx, tenantId);
        await trx.deleteFrom('custom_domains').where('tenant_id', '=', tenantId).execute();
        await serveDomain(trx, tenantId, null);
        return row;
      });
      annotateAudit(request, { action: 'tenant.domain_removed', entityType: 'tenant', entityId: tenantId, oldValues: { host: removed?.host ?? null } });
      return ok(null);
    },
  );
}
