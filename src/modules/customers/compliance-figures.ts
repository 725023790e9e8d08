/**
 * What the customers module contributes to a business's compliance report: the record of processing (each data
 * category with its purposes, recipients and retention, GDPR Art. 30), the retention the business chose, its
 * customers in figures, and its register of data-subject requests over a period.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { CustomerDataRegistry } from './customer-data-registry.ts';
import { retentionOf } from './customer-maintenance.job.ts';
import { personalInfoCategory } from './personal-data-export.service.ts';

export interface ProcessingActivity {
  category: string;
  purposes: string[];
  recipients: string[];
  retention: string;
}

/** Every category of customer data the product holds, in the order the export lists them. */
export function processingActivities(registry: CustomerDataRegistry, guestMonths?: number): ProcessingActivity[] {
  return [
    personalInfoCategory(guestMonths),
    ...registry.contributors.map((contributor) => ({
      category: contributor.name,
      purposes: [...contributor.purposes],
      recipients: [...contributor.recipients],
      retention: contributor.retention,
    })),
  ];
}

export interface CustomerComplianceFigures {
  retention: { guest_customers_months: number; consent_evidence_years: number };
  customers: { current: number; registered: number; guests: number; with_marketing_consent: number; erased_in_period: number };
  privacy_requests: {
    received_in_period: number;
    completed_in_period: number;
    refused_in_period: number;
    open: number;
    overdue: number;
    /** Median days from receipt to answer of the requests closed in the period; null without any. */
    median_days_to_close: number | null;
  };
}

/** One business's figures over [from, to) (under its tenant context). */
export async function customerComplianceFigures(executor: Executor, tenantId: string, period: { from: Date; to: Date }): Promise<CustomerComplianceFigures> {
  const retention = await retentionOf(executor, tenantId);
  const customers = await sql<{ current: number; registered: number; guests: number; marketing: number; erased: number }>`
    select count(*) filter (where erased_at is null and merged_into_id is null)::int as current,
           count(*) filter (where erased_at is null and merged_into_id is null and type = 'registered')::int as registered,
           count(*) filter (where erased_at is null and merged_into_id is null and type = 'guest')::int as guests,
           count(*) filter (where erased_at is null and merged_into_id is null and marketing_consent)::int as marketing,
           count(*) filter (where erased_at >= ${period.from} and erased_at < ${period.to})::int as erased
    from customers where tenant_id = ${tenantId}`.execute(executor);
  const requests = await sql<{ received: number; completed: number; refused: number; open: number; overdue: number; median_days: number | null }>`
    select count(*) filter (where received_at >= ${period.from} and received_at < ${period.to})::int as received,
           count(*) filter (where status = 'completed' and completed_at >= ${period.from} and completed_at < ${period.to})::int as completed,
           count(*) filter (where status = 'refused' and completed_at >= ${period.from} and completed_at < ${period.to})::int as refused,
           count(*) filter (where status = 'open')::int as open,
           count(*) filter (where status = 'open' and due_at < now())::int as overdue,
           percentile_cont(0.5) within group (order by extract(epoch from completed_at - received_at) / 86400)
             filter (where completed_at >= ${period.from} and completed_at < ${period.to}) as median_days
    from privacy_requests where tenant_id = ${tenantId}`.execute(executor);
  const c = customers.rows[0];
  const r = requests.rows[0];
  return {
    retention: { guest_customers_months: retention.guestMonths, consent_evidence_years: retention.consentEvidenceYears },
    customers: {
      current: c?.current ?? 0,
      registered: c?.registered ?? 0,
      guests: c?.guests ?? 0,
      with_marketing_consent: c?.marketing ?? 0,
      erased_in_period: c?.erased ?? 0,
    },
    privacy_requests: {
      received_in_period: r?.received ?? 0,
      completed_in_period: r?.completed ?? 0,
      refused_in_period: r?.refused ?? 0,
      open: r?.open ?? 0,
      overdue: r?.overdue ?? 0,
      median_days_to_close: r?.median_days === null || r?.median_days === undefined ? null : Math.round(Number(r.median_days) * 10) / 10,
    },
  };
}
