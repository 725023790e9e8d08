import { z } from 'zod';

const bps = z.int().nullable().describe('Basis points (1 % = 100); null when there is nothing to divide by');
const localDate = z.iso.date();
const amount = z.object({ amount: z.int(), currency: z.string().length(3) });

export const platformQuerySchema = z
  .strictObject({ from: localDate, to: localDate })
  .refine((query) => query.to >= query.from, { path: ['to'], message: 'to is before from' });

const riskSchema = z.object({
  score: z.int().min(0).max(100),
  factors: z.array(
    z.object({
      factor: z.enum(['usage_trend', 'failed_payments', 'admin_logins', 'feature_adoption', 'support_load']),
      risk: z.int().nullable().describe('0–100; null when not measured'),
      weight_bps: z.int(),
      figures: z
        .record(z.string(), z.int().nullable())
        .describe(
          'The measured figures behind the risk, by factor: last_30_days and previous_30_days (bookings); past_due (1 or 0); days_since_admin_activity (null: none recorded); features_used and features_available; support_requests_30_days (null: no data)',
        ),
      detail: z.string().describe('The figures in English words'),
    }),
  ),
  recommended_action: z.string().nullable(),
});

export const platformHealthSchema = z.array(
  z.object({
    tenant_id: z.uuid(),
    name: z.string(),
    plan_id: z.string(),
    status: z.string(),
    mrr: amount,
    realised_lifetime_revenue: amount.describe('Sum of the monthly MRR recorded so far'),
    churn_risk: riskSchema,
    upgrade: z.object({ recommended_plan_id: z.string(), usage_bps: z.int() }).nullable().describe("This month's bookings against the plan's limit"),
  }),
);

export const platformKpisSchema = z.object({
  as_of: z.string(),
  month: z.string(),
  period: z.object({ from: localDate, to: localDate }),
  tenants: z.object({ total: z.int(), active: z.int(), paying: z.int(), with_bookings_in_period: z.int() }),
  mrr: z.array(
    z.object({
      currency: z.string().length(3),
      mrr: z.int(),
      arr: z.int(),
      by_plan: z.array(z.object({ plan_id: z.string(), tenants: z.int(), mrr: z.int(), arr: z.int() })),
    }),
  ),
  movements: z.array(
    z.object({
      currency: z.string().length(3),
      starting_mrr: z.int(),
      new_mrr: z.int(),
      expansion_mrr: z.int(),
      contraction_mrr: z.int(),
      churned_mrr: z.int(),
      ending_mrr: z.int(),
      net_revenue_retention_bps: bps,
    }),
  ),
  volume: z.array(
    z.object({
      currency: z.string().length(3),
      bookings: z.int(),
      completed: z.int(),
      collected: z.int(),
      refunded: z.int(),
      no_show_fees: z.int(),
      platform_fee_revenue: z.int(),
    }),
  ),
  feature_adoption: z.array(z.object({ plan_id: z.string(), tenants: z.int(), adoption_bps: z.record(z.string(), bps) })),
  lifetime_value: z.array(
    z.object({ currency: z.string().length(3), average_mrr_per_paying_tenant: z.int(), monthly_revenue_churn_bps: bps, lifetime_value: z.int().nullable() }),
  ),
  churn_risk_distribution: z.object({ low: z.int(), medium: z.int(), high: z.int() }),
});
