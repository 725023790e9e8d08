import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Figures the platform exposes at /metrics; one registry per process, built by the composition root. */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'route' | 'method' | 'status_code'>;
  jobsProcessed: Counter<'name' | 'outcome'>;
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
  return { registry, httpDuration, jobsProcessed };
}
