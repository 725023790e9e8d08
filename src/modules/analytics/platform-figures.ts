import type { SubscriptionFact } from '../tenancy/index.ts';
import { ratioBps } from './report-figures.ts';

/**
 * Platform figures from plain data: MRR, its movements, churn risk and upgrade advice.
 * No I/O, so each rule is tested on its own.
 */

/** Subscription statuses that pay: a trial does not, a past-due subscription still counts until it is cancelled. */
const PAYING = new Set(['active', 'past_due']);

/**
 * A tenant's monthly recurring revenue, minor units of `currency`. The one place MRR is
 * computed: today the plan's monthly price while the subscription pays (a contract-priced
 * plan counts 0 until billing records its price); billing can replace the fact it reads.
 */
export function mrrOf(fact: Pick<SubscriptionFact, 'tenant_status' | 'subscription_status' | 'plan_price_amount' | 'plan_currency'>): {
  mrr: number;
  currency: string;
} {
  const paying = fact.tenant_status !== 'cancelled' && fact.subscription_status !== null && PAYING.has(fact.subscription_status);
  return { mrr: paying ? (fact.plan_price_amount ?? 0) : 0, currency: fact.plan_currency };
}

export interface MrrMovement {
  currency: string;
  starting_mrr: number;
  new_mrr: number;
  expansion_mrr: number;
  contraction_mrr: number;
  churned_mrr: number;
  ending_mrr: number;
  /** (starting + expansion − contraction − churned) / starting: revenue kept and grown from tenants paying at the start. */
  net_revenue_retention_bps: number | null;
}

/** MRR movements from one month's MRR per tenant to the next, per currency. */
export function mrrMovements(before: ReadonlyMap<string, { mrr: number; currency: string }>, after: ReadonlyMap<string, { mrr: number; currency: string }>): MrrMovement[] {
  const byCurrency = new Map<string, MrrMovement>();
  const entry = (currency: string) =>
    byCurrency.get(currency) ??
    byCurrency
      .set(currency, { currency, starting_mrr: 0, new_mrr: 0, expansion_mrr: 0, contraction_mrr: 0, churned_mrr: 0, ending_mrr: 0, net_revenue_retention_bps: null })
      .get(currency)!;
  for (const tenant of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(tenant);
    const now = after.get(tenant);
    const wasMrr = was?.mrr ?? 0;
    const nowMrr = now?.mrr ?? 0;
    if (was && now && was.currency !== now.currency) {
      // A change of currency is a churn in one and a new subscription in the other.
      entry(was.currency).starting_mrr += wasMrr;
      entry(was.currency).churned_mrr += wasMrr;
      entry(now.currency).new_mrr += nowMrr;
      entry(now.currency).ending_mrr += nowMrr;
      continue;
    }
    const row = entry((now ?? was)!.currency);
    row.starting_mrr += wasMrr;
    row.ending_mrr += nowMrr;
    if (wasMrr === 0 && nowMrr > 0) row.new_mrr += nowMrr;
    else if (wasMrr > 0 && nowMrr === 0) row.churned_mrr += wasMrr;
    else if (nowMrr > wasMrr) row.expansion_mrr += nowMrr - wasMrr;
    else if (nowMrr < wasMrr) row.contraction_mrr += wasMrr - nowMrr;
  }
  for (const row of byCurrency.values()) {
    row.net_revenue_retention_bps = ratioBps(row.starting_mrr + row.expansion_mrr - row.contraction_mrr - row.churned_mrr, row.starting_mrr);
  }
  return [...byCurrency.values()].filter((row) => row.starting_mrr + row.ending_mrr > 0);
}

export type RiskFactorName = 'usage_trend' | 'failed_payments' | 'admin_logins' | 'feature_adoption' | 'support_load';

export interface RiskInputs {
  /** Bookings in the last 30 days and the 30 before. */
  bookingsLast30: number;
  bookingsPrevious30: number;
  /** Subscription past due (failed renewal payments). */
  pastDue: boolean;
  /** Days since an admin last used the dashboard; null: never. */
  daysSinceAdminActivity: number | null;
  featuresUsed: number;
  featuresAvailable: number;
  /** Support requests in the last 30 days; null: no support data is recorded. */
  supportRequests30: number | null;
}

export interface RiskFactor {
  factor: RiskFactorName;
  /** 0 (no risk) to 100 (highest), or null when nothing is measured. */
  risk: number | null;
  weight_bps: number;
  /** The measured figures behind the risk, for a screen to word in its own language. */
  figures: Record<string, number | null>;
  detail: string;
}

const WEIGHTS: Record<RiskFactorName, number> = { usage_trend: 3500, failed_payments: 2500, admin_logins: 2000, feature_adoption: 1500, support_load: 500 };

const ACTIONS: Record<RiskFactorName, string> = {
  usage_trend: 'Bookings are falling: call the owner, review their booking page and offer a setup session',
  failed_payments: 'Renewal payments fail: contact billing and help update the payment method',
  admin_logins: 'Admins no longer sign in: send a re-engagement e-mail with their latest figures',
  feature_adoption: 'Few features in use: offer onboarding on online payments, reminders and the widget',
  support_load: 'Many support requests: have a customer success manager review the open issues',
};

const clampPercent = (value: number) => Math.max(0, Math.min(100, Math.round(value)));

/**
 * Churn risk 0–100: a weighted mean of each factor's risk (factors measured only); the
 * recommended action is the one for the factor that adds most to the score.
 */
export function churnRisk(inputs: RiskInputs): { score: number; factors: RiskFactor[]; recommended_action: string | null } {
  const usage =
    inputs.bookingsPrevious30 === 0
      ? inputs.bookingsLast30 === 0
        ? 100
        : 0
      : clampPercent(((inputs.bookingsPrevious30 - inputs.bookingsLast30) / inputs.bookingsPrevious30) * 100);
  const factors: RiskFactor[] = [
    {
      factor: 'usage_trend',
      risk: usage,
      weight_bps: WEIGHTS.usage_trend,
      figures: { last_30_days: inputs.bookingsLast30, previous_30_days: inputs.bookingsPrevious30 },
      detail: `${inputs.bookingsLast30} bookings in the last 30 days, ${inputs.bookingsPrevious30} in the 30 before`,
    },
    {
      factor: 'failed_payments',
      risk: inputs.pastDue ? 100 : 0,
      weight_bps: WEIGHTS.failed_payments,
      figures: { past_due: inputs.pastDue ? 1 : 0 },
      detail: inputs.pastDue ? 'subscription past due' : 'subscription in good standing',
    },
    {
      factor: 'admin_logins',
      risk: inputs.daysSinceAdminActivity === null ? 100 : clampPercent((inputs.daysSinceAdminActivity / 30) * 100),
      weight_bps: WEIGHTS.admin_logins,
      figures: { days_since_admin_activity: inputs.daysSinceAdminActivity },
      detail: inputs.daysSinceAdminActivity === null ? 'no admin activity recorded' : `last admin activity ${inputs.daysSinceAdminActivity} days ago`,
    },
    {
      factor: 'feature_adoption',
      risk: inputs.featuresAvailable === 0 ? null : clampPercent((1 - inputs.featuresUsed / inputs.featuresAvailable) * 100),
      weight_bps: WEIGHTS.feature_adoption,
      figures: { features_used: inputs.featuresUsed, features_available: inputs.featuresAvailable },
      detail: `${inputs.featuresUsed} of ${inputs.featuresAvailable} features used in the last 90 days`,
    },
    {
      factor: 'support_load',
      risk: inputs.supportRequests30 === null ? null : clampPercent(inputs.supportRequests30 * 10),
      weight_bps: WEIGHTS.support_load,
      figures: { support_requests_30_days: inputs.supportRequests30 },
      detail: inputs.supportRequests30 === null ? 'no support data recorded' : `${inputs.supportRequests30} support requests in 30 days`,
    },
  ];
  const measured = factors.filter((factor) => factor.risk !== null);
  const weight = measured.reduce((sum, factor) => sum + factor.weight_bps, 0);
  const score = weight === 0 ? 0 : clampPercent(measured.reduce((sum, factor) => sum + factor.risk! * factor.weight_bps, 0) / weight);
  const top = [...measured].sort((a, b) => b.risk! * b.weight_bps - a.risk! * a.weight_bps)[0];
  return { score, factors, recommended_action: top && top.risk! > 0 ? ACTIONS[top.factor] : null };
}

/** Share of a plan's monthly bookings limit at which an upgrade is recommended. */
export const UPGRADE_THRESHOLD_BPS = 8000;

/** The next plan up (plans in their order) when this month's bookings reach the threshold of the plan's limit; null otherwise. */
export function upgradeRecommendation(
  fact: Pick<SubscriptionFact, 'plan_id' | 'plan_bookings_per_month' | 'bookings_this_month'>,
  orderedPlanIds: readonly string[],
): { recommended_plan_id: string; usage_bps: number } | null {
  const limit = fact.plan_bookings_per_month;
  if (limit === null || limit === 0) return null;
  const usage = Math.round((fact.bookings_this_month * 10_000) / limit);
  if (usage < UPGRADE_THRESHOLD_BPS) return null;
  const next = orderedPlanIds[orderedPlanIds.indexOf(fact.plan_id) + 1];
  return orderedPlanIds.includes(fact.plan_id) && next !== undefined ? { recommended_plan_id: next, usage_bps: usage } : null;
}
