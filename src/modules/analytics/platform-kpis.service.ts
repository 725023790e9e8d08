import { sql } from 'kysely';
import type { Db, Executor } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import { adminActivityByTenant } from '../identity/index.ts';
import { listPlans, platformSubscriptionFacts, type SubscriptionFact } from '../tenancy/index.ts';
import { churnRisk, mrrMovements, mrrOf, upgradeRecommendation } from './platform-figures.ts';
import { ratioBps } from './report-figures.ts';

/** Features whose use the rollups show, counted over the last 90 days. */
export const FEATURES = ['booking_page', 'widget', 'api', 'online_payments', 'multiple_resources'] as const;
type Feature = (typeof FEATURES)[number];

const DAY = 86_400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const monthStart = (date: string, shift = 0) => {
  const index = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + shift;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
};
const num = (value: unknown) => Number(value ?? 0);

/**
 * Figures for the platform owner, across tenants, on the platform connection: MRR and its
 * movements, volumes, feature adoption, lifetime value, churn risk and upgrade advice.
 * Only platform roles reach it (the routes declare `manage Platform`).
 */
export class PlatformKpisService {
  readonly #db: Db;
  readonly #now: () => Date;

  constructor(deps: { db: Db; now?: () => Date }) {
    this.#db = deps.db;
    this.#now = deps.now ?? (() => new Date());
  }

  /** Records every tenant's MRR for the current month (the month's last record wins). */
  async snapshotMrr(): Promise<number> {
    const month = monthStart(isoDate(this.#now().getTime()));
    return withPlatform(this.#db, async (trx) => {
      const facts = await platformSubscriptionFacts(trx);
      for (const fact of facts) {
        const { mrr, currency } = mrrOf(fact);
        await sql`
          insert into analytics_mrr_snapshots (tenant_id, month, plan_id, currency, mrr, recorded_at)
          values (${fact.tenant_id}, ${month}::date, ${fact.plan_id}, ${currency}, ${mrr}, now())
          on conflict (tenant_id, month) do update set plan_id = excluded.plan_id, currency = excluded.currency, mrr = excluded.mrr, recorded_at = now()`.execute(trx);
      }
      return facts.length;
    });
  }

  async kpis(period: { from: string; to: string }) {
    const now = this.#now();
    const month = monthStart(isoDate(now.getTime()));
    return withPlatform(this.#db, async (trx) => {
      const facts = await platformSubscriptionFacts(trx);
      const current = new Map(facts.map((fact) => [fact.tenant_id, mrrOf(fact)]));
      const before = await snapshotsOf(trx, monthStart(month, -1));
      const volume = await sql<Record<string, unknown>>`
        select currency, sum(bookings) as bookings, sum(completed) as completed, sum(collected) as collected,
               sum(refunded) as refunded, sum(no_show_fees) as no_show_fees, sum(platform_fees) as platform_fees
        from analytics_daily where day between ${period.from}::date and ${period.to}::date
        group by currency order by currency`.execute(trx);
      // Across currencies: a business that books in two currencies is one business.
      const withBookings = await sql<{ tenants: unknown }>`
        select count(distinct tenant_id) as tenants from analytics_daily
        where day between ${period.from}::date and ${period.to}::date and bookings > 0`.execute(trx);
      const features = await featuresByTenant(trx, now);
      const byPlan = new Map<string, { tenants: number; counts: Record<Feature, number> }>();
      for (const fact of facts.filter((item) => item.tenant_status === 'active')) {
        const entry =
          byPlan.get(fact.plan_id) ??
          byPlan.set(fact.plan_id, { tenants: 0, counts: Object.fromEntries(FEATURES.map((f) => [f, 0])) as Record<Feature, number> }).get(fact.plan_id)!;
        entry.tenants += 1;
        for (const feature of features.get(fact.tenant_id) ?? []) entry.counts[feature] += 1;
      }
      const movements = mrrMovements(before, current);
      const health = await this.#health(trx, facts, features, now);
      return {
        as_of: now.toISOString(),
        month: month.slice(0, 7),
        period,
        tenants: {
          total: facts.length,
          active: facts.filter((fact) => fact.tenant_status === 'active').length,
          paying: [...current.values()].filter((value) => value.mrr > 0).length,
          with_bookings_in_period: num(withBookings.rows[0]?.tenants),
        },
        mrr: mrrByCurrency(facts),
        movements,
        volume: volume.rows.map((row) => ({
          currency: String(row.currency).trim(),
          bookings: num(row.bookings),
          completed: num(row.completed),
          collected: num(row.collected),
          refunded: num(row.refunded),
          no_show_fees: num(row.no_show_fees),
          platform_fee_revenue: num(row.platform_fees),
        })),
        feature_adoption: [...byPlan.entries()].map(([plan_id, entry]) => ({
          plan_id,
          tenants: entry.tenants,
          adoption_bps: Object.fromEntries(FEATURES.map((feature) => [feature, ratioBps(entry.counts[feature], entry.tenants)])) as Record<Feature, number | null>,
        })),
        lifetime_value: lifetimeValue(facts, movements, current),
        churn_risk_distribution: {
          low: health.filter((row) => row.churn_risk.score < 40).length,
          medium: health.filter((row) => row.churn_risk.score >= 40 && row.churn_risk.score < 70).length,
          high: health.filter((row) => row.churn_risk.score >= 70).length,
        },
      };
    });
  }

  /** Every tenant's churn risk with its factors and recommended action, riskiest first, and upgrade advice. */
  async tenantHealth() {
    const now = this.#now();
    return withPlatform(this.#db, async (trx) => this.#health(trx, await platformSubscriptionFacts(trx), await featuresByTenant(trx, now), now));
  }

  async #health(trx: Executor, facts: SubscriptionFact[], features: Map<string, Feature[]>, now: Date) {
    const today = isoDate(now.getTime());
    const usage = await sql<{ tenant_id: string; last30: unknown; previous30: unknown }>`
      select tenant_id,
             sum(bookings) filter (where day > ${today}::date - 30) as last30,
             sum(bookings) filter (where day <= ${today}::date - 30) as previous30
      from analytics_daily where day > ${today}::date - 60 and day <= ${today}::date
      group by tenant_id`.execute(trx);
    const usageOf = new Map(usage.rows.map((row) => [row.tenant_id, row]));
    const activity = new Map((await adminActivityByTenant(trx, now)).map((row) => [row.tenant_id, row]));
    const realised = new Map(
      (await sql<{ tenant_id: string; total: unknown }>`select tenant_id, sum(mrr) as total from analytics_mrr_snapshots group by tenant_id`.execute(trx)).rows.map(
        (row) => [row.tenant_id, num(row.total)],
      ),
    );
    const plans = (await listPlans(trx)).map((plan) => plan.id);
    return facts
      .filter((fact) => fact.tenant_status !== 'cancelled')
      .map((fact) => {
        const last = activity.get(fact.tenant_id)?.last_active_at ?? null;
        const { mrr, currency } = mrrOf(fact);
        return {
          tenant_id: fact.tenant_id,
          name: fact.tenant_name,
          plan_id: fact.plan_id,
          status: fact.tenant_status,
          mrr: { amount: mrr, currency },
          realised_lifetime_revenue: { amount: realised.get(fact.tenant_id) ?? 0, currency },
          churn_risk: churnRisk({
            bookingsLast30: num(usageOf.get(fact.tenant_id)?.last30),
            bookingsPrevious30: num(usageOf.get(fact.tenant_id)?.previous30),
            pastDue: fact.subscription_status === 'past_due',
            daysSinceAdminActivity: last === null ? null : Math.max(0, Math.floor((now.getTime() - new Date(last).getTime()) / DAY)),
            featuresUsed: (features.get(fact.tenant_id) ?? []).length,
            featuresAvailable: FEATURES.length,
            supportRequests30: null,
          }),
          upgrade: upgradeRecommendation(fact, plans),
        };
      })
      .sort((a, b) => b.churn_risk.score - a.churn_risk.score || a.name.localeCompare(b.name));
  }
}

async function snapshotsOf(trx: Executor, month: string): Promise<Map<string, { mrr: number; currency: string }>> {
  const rows = await sql<{ tenant_id: string; mrr: unknown; currency: string }>`
    select tenant_id, mrr, currency from analytics_mrr_snapshots where month = ${month}::date`.execute(trx);
  return new Map(rows.rows.map((row) => [row.tenant_id, { mrr: num(row.mrr), currency: row.currency.trim() }]));
}

async function featuresByTenant(trx: Executor, now: Date): Promise<Map<string, Feature[]>> {
  const today = isoDate(now.getTime());
  const rows = await sql<Record<string, unknown> & { tenant_id: string }>`
    select tenant_id, bool_or(src_web + src_manage_link > 0) as booking_page, bool_or(src_widget > 0) as widget, bool_or(src_api > 0) as api,
           bool_or(collected > 0) as online_payments, count(distinct resource_id) > 1 as multiple_resources
    from analytics_daily where day > ${today}::date - 90 and day <= ${today}::date
    group by tenant_id`.execute(trx);
  return new Map(rows.rows.map((row) => [row.tenant_id, FEATURES.filter((feature) => row[feature] === true)]));
}

function mrrByCurrency(facts: SubscriptionFact[]) {
  const byCurrency = new Map<string, { mrr: number; plans: Map<string, { tenants: number; mrr: number }> }>();
  for (const fact of facts) {
    const { mrr, currency } = mrrOf(fact);
    if (mrr === 0) continue;
    const entry = byCurrency.get(currency) ?? byCurrency.set(currency, { mrr: 0, plans: new Map() }).get(currency)!;
    entry.mrr += mrr;
    const plan = entry.plans.get(fact.plan_id) ?? entry.plans.set(fact.plan_id, { tenants: 0, mrr: 0 }).get(fact.plan_id)!;
    plan.tenants += 1;
    plan.mrr += mrr;
  }
  return [...byCurrency.entries()].map(([currency, entry]) => ({
    currency,
    mrr: entry.mrr,
    arr: entry.mrr * 12,
    by_plan: [...entry.plans.entries()].map(([plan_id, plan]) => ({ plan_id, tenants: plan.tenants, mrr: plan.mrr, arr: plan.mrr * 12 })),
  }));
}

/** Average revenue per paying tenant over last month's churn rate (tenants lost / tenants paying at the start). */
function lifetimeValue(facts: SubscriptionFact[], movements: ReturnType<typeof mrrMovements>, current: Map<string, { mrr: number; currency: string }>) {
  return movements.map((movement) => {
    const paying = facts.filter((fact) => current.get(fact.tenant_id)?.currency === movement.currency && (current.get(fact.tenant_id)?.mrr ?? 0) > 0).length;
    const average = paying === 0 ? 0 : Math.round(movement.ending_mrr / paying);
    const churnBps = ratioBps(movement.churned_mrr, movement.starting_mrr);
    return {
      currency: movement.currency,
      average_mrr_per_paying_tenant: average,
      monthly_revenue_churn_bps: churnBps,
      lifetime_value: churnBps === null || churnBps === 0 ? null : Math.round((average * 10_000) / churnBps),
    };
  });
}
