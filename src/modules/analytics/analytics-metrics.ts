import { Counter, type Registry } from 'prom-client';
import type { DomainEvent } from '../../platform/events/outbox.ts';
import { FUNNEL_STEPS, type FunnelStep } from './funnel.ts';

/**
 * The business figures of the specification's §9.2.1 as Prometheus counters, labelled only by
 * bounded values (outcome, funnel step, ISO currency), never by tenant: per-tenant figures
 * live in the reports. Ratios are PromQL over these:
 * - conversion rate: `funnel_steps_total{step="confirmed"} / funnel_steps_total{step="page_view"}`;
 * - revenue per booking: `booking_revenue_minor_total / booking_outcomes_total{outcome="completed"}` (per currency);
 * - no-show rate: `no_show / (no_show + completed)` of `booking_outcomes_total`.
 */
export interface AnalyticsMetrics {
  countEvent(event: Pick<DomainEvent, 'type' | 'data'>): void;
  countFunnelStep(step: FunnelStep): void;
}

const OUTCOMES: Record<string, string> = {
  'booking.created': 'created',
  'booking.confirmed': 'confirmed',
  'booking.completed': 'completed',
  'booking.no_show': 'no_show',
  'booking.cancelled': 'cancelled',
  'booking.expired': 'expired',
};

export function createAnalyticsMetrics(registry: Registry): AnalyticsMetrics {
  const outcomes = new Counter({
    name: 'booking_outcomes_total',
    help: 'Bookings by what happened to them: created, confirmed, completed, no_show, cancelled, expired',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const revenue = new Counter({
    name: 'booking_revenue_minor_total',
    help: 'Price of completed bookings, in minor units, by ISO 4217 currency',
    labelNames: ['currency'] as const,
    registers: [registry],
  });
  const funnel = new Counter({
    name: 'funnel_steps_total',
    help: 'Public booking funnel steps reported by the booking pages and widget',
    labelNames: ['step'] as const,
    registers: [registry],
  });
  for (const outcome of Object.values(OUTCOMES)) outcomes.inc({ outcome }, 0);
  for (const step of FUNNEL_STEPS) funnel.inc({ step }, 0);
  return {
    countEvent(event) {
      const outcome = OUTCOMES[event.type];
      if (outcome === undefined) return;
      outcomes.inc({ outcome });
      const pricing = (event.data as { pricing?: { total_price?: unknown; currency?: unknown } }).pricing;
      if (outcome === 'completed' && typeof pricing?.total_price === 'number' && typeof pricing.currency === 'string' && /^[A-Z]{3}$/.test(pricing.currency)) {
        revenue.inc({ currency: pricing.currency }, pricing.total_price);
      }
    },
    countFunnelStep(step) {
      funnel.inc({ step });
    },
  };
}
