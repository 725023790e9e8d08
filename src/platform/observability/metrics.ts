import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Figures the platform exposes at /metrics; one registry per process, built by the composition root. */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'route' | 'method' | 'status_code'>;
  jobsProcessed: Counter<'name' | 'outcome'>;
  /** Requests that try to create bookings (routes marked `config.attempt: 'booking'`), by outcome. */
  bookingAttempts: Counter<'status'>;
  /** Charges the provider settled: `success` or `failed` (each card tried is an attempt). */
  paymentAttempts: Counter<'status'>;
}

/**
 * The outcome of a booking attempt from its HTTP status: `success`, `unavailable` (the time was
 * taken or is outside availability: 409), `rejected` (the request itself was refused: other 4xx,
 * which the booking SLO leaves out) or `error` (5xx).
 */
export function bookingAttemptStatus(statusCode: number): 'success' | 'unavailable' | 'rejected' | 'error' {
  if (statusCode >= 500) return 'error';
  if (statusCode === 409) return 'unavailable';
  if (statusCode >= 400) return 'rejected';
  return 'success';
}

export interface MetricSources {
  poolStats: () => { total: number; idle: number; waiting: number };
  jobCounts: () => Promise<Array<{ status: string; count: number }>>;
}

export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route template, method and status',
    labelNames: ['route', 'method', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = sources.poolStats();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
  new Gauge({
    name: 'jobs_queue_depth',
    help: 'Background jobs by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await sources.jobCounts()) this.set({ status: row.status }, row.count);
    },
  });
  const jobsProcessed = new Counter({
    name: 'jobs_processed_total',
    help: 'Jobs run by this process, by name and outcome',
    labelNames: ['name', 'outcome'] as const,
    registers: [registry],
  });
  const bookingAttempts = new Counter({
    name: 'booking_attempts_total',
    help: 'Booking attempts (create, batch, customer bookings, rebook) by outcome: success, unavailable, rejected, error',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const paymentAttempts = new Counter({
    name: 'payment_attempts_total',
    help: 'Charges settled by the provider, by outcome: success or failed',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  // Every series exists from the start, so ratios and alerts see zeros rather than nothing.
  for (const status of ['success', 'unavailable', 'rejected', 'error']) bookingAttempts.inc({ status }, 0);
  for (const status of ['success', 'failed']) paymentAttempts.inc({ status }, 0);
  return { registry, httpDuration, jobsProcessed, bookingAttempts, paymentAttempts };
}
