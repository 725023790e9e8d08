/**
 * A business's compliance report (RF1.8): one document an auditor can file for a period — the record of
 * processing (GDPR Art. 30), the retention in force, customers and data-subject requests in figures, who can reach
 * the data (members, owners' second factors, API keys), the platform's own access (support impersonations), and
 * how card data is kept out of scope (PCI DSS). Read under the business's tenant context, generated on request.
 */
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { withPlatform, withTenant } from '../../platform/db/tenant-context.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { countAuditEntries, listAuditLogs } from '../audit/index.ts';
import { customerComplianceFigures, processingActivities, type CustomerDataRegistry } from '../customers/index.ts';
import { accessFigures, peopleByIds } from '../identity/index.ts';
import { getTenant, PLATFORM_TENANT_ID } from '../tenancy/index.ts';
import { CARD_DATA, processingIn } from './report-language.ts';

const DAY_MS = 86_400_000;
const MAX_PERIOD_DAYS = 731;

export const reportQuerySchema = z.object({
  from: z.iso.date().optional().describe('First day (UTC) of the period; a year before `to` by default'),
  to: z.iso.date().optional().describe('Last day (UTC) of the period, included; today by default'),
  lang: z.enum(['es', 'en']).optional().describe('Language of the report’s sentences (record of processing, card data); English by default'),
});

const count = z.number().int();
export const complianceReportSchema = z.object({
  generated_at: z.string(),
  language: z.enum(['es', 'en']),
  period: z.object({ from: z.string(), to: z.string() }),
  tenant: z.object({ id: z.string(), slug: z.string(), name: z.string(), status: z.string(), plan_id: z.string(), created_at: z.string() }),
  processing: z.array(z.object({ category: z.string(), purposes: z.array(z.string()), recipients: z.array(z.string()), retention: z.string() })),
  retention: z.object({ guest_customers_months: count, consent_evidence_years: count }),
  customers: z.object({ current: count, registered: count, guests: count, with_marketing_consent: count, erased_in_period: count }),
  privacy_requests: z.object({
    received_in_period: count,
    completed_in_period: count,
    refused_in_period: count,
    open: count,
    overdue: count,
    median_days_to_close: z.number().nullable(),
  }),
  access: z.object({
    members_by_role: z.record(z.string(), count),
    owners: count,
    owners_with_two_factor: count,
    two_factor_required_for_owners: z.boolean(),
    active_api_keys: count,
  }),
  platform_access: z.object({
    impersonations: z.array(z.object({ at: z.string(), by: z.string().nullable(), read_only: z.boolean(), reason: z.string().nullable() })),
  }),
  audit: z.object({ entries_in_period: count, customer_data_exports: count, customer_erasures: count }),
  card_data: z.string(),
});
export type ComplianceReport = z.infer<typeof complianceReportSchema>;

/** [from, to) as instants from the query's days (UTC), checked: not reversed, not over two years. */
function periodOf(query: z.infer<typeof reportQuerySchema>, now: Date): { from: Date; to: Date; fromDay: string; toDay: string } {
  const toDay = query.to ?? now.toISOString().slice(0, 10);
  const to = new Date(Date.parse(`${toDay}T00:00:00Z`) + DAY_MS);
  const fromDay = query.from ?? new Date(to.getTime() - 366 * DAY_MS).toISOString().slice(0, 10);
  const from = new Date(`${fromDay}T00:00:00Z`);
  if (from >= to) throw new AppError('VALIDATION_ERROR', 'The period starts after it ends', [{ field: 'from', message: 'after `to`' }]);
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    throw new AppError('VALIDATION_ERROR', 'A report covers at most two years', [{ field: 'from', message: 'more than two years before `to`' }]);
  }
  return { from, to, fromDay, toDay };
}

export async function complianceReport(
  deps: { db: Db; customerData: CustomerDataRegistry },
  tenantId: string,
  query: z.infer<typeof reportQuerySchema>,
  now = new Date(),
): Promise<ComplianceReport> {
  const period = periodOf(query, now);
  const language = query.lang ?? 'en';
  if (tenantId === PLATFORM_TENANT_ID) throw notFound('Tenant');
  const tenant = await withPlatform(deps.db, (trx) => getTenant(trx, tenantId));
  if (!tenant) throw notFound('Tenant');
  // People's second factors live beside their credentials, which a tenant's context cannot read: the platform's
  // connection reads them, for this business only.
  const access = await withPlatform(deps.db, (trx) => accessFigures(trx, tenantId));
  const { figures, impersonations, audit } = await withTenant(deps.db, tenantId, async (trx) => {
    const figures = await customerComplianceFigures(trx, tenantId, period);
    const impersonations = await listAuditLogs(trx, tenantId, {
      action: 'platform.impersonation_started',
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      limit: 100,
    });
    const audit = await countAuditEntries(trx, tenantId, period, ['customer.exported', 'customer.erased']);
    return { figures, impersonations, audit };
  });
  // The platform's people are no members of the business: named through the platform's connection.
  const actorIds = [...new Set(impersonations.items.map((entry) => entry.actor.user_id).filter((id): id is string => id !== null))];
  const people = await withPlatform(deps.db, (trx) => peopleByIds(trx, actorIds));
  const field = (value: unknown, key: string): unknown => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined);
  return {
    generated_at: now.toISOString(),
    language,
    period: { from: period.fromDay, to: period.toDay },
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, status: tenant.status, plan_id: tenant.plan_id, created_at: tenant.created_at },
    processing: processingIn(processingActivities(deps.customerData, figures.retention.guest_customers_months), language),
    retention: figures.retention,
    customers: figures.customers,
    privacy_requests: figures.privacy_requests,
    access: { ...access, two_factor_required_for_owners: tenant.settings.require_mfa_for_admins === true },
    platform_access: {
      impersonations: impersonations.items.map((entry) => ({
        at: entry.created_at,
        by: (entry.actor.user_id && people.get(entry.actor.user_id)?.email) ?? null,
        read_only: field(entry.new_values, 'read_only') !== false,
        reason: typeof field(entry.metadata, 'reason') === 'string' ? (field(entry.metadata, 'reason') as string) : null,
      })),
    },
    audit: {
      entries_in_period: audit.total,
      customer_data_exports: audit.by_action['customer.exported'] ?? 0,
      customer_erasures: audit.by_action['customer.erased'] ?? 0,
    },
    card_data: CARD_DATA[language],
  };
}
