/**
 * The SLO recording rules and alerts (deploy/prometheus) pass `promtool check rules` and their unit
 * tests (`promtool test rules`), and every metric the rules and the Grafana dashboard read is one
 * this service exports (or a recording rule built from them) — a renamed metric fails here, not
 * in production as a silent, never-firing alert.
 *
 * Skips only when promtool is not installed (Debian's `prometheus` package; CI installs it).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../src/platform/observability/metrics.ts';
import { ROOT } from '../support/product-process.ts';

const PROMETHEUS = join(ROOT, 'deploy', 'prometheus');
const RULES = join(PROMETHEUS, 'rules', 'reservehub.rules.yaml');

function promtoolMissing(): string | null {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'promtool is not installed';
  }
}
const SKIP = promtoolMissing();
if (SKIP !== null && process.env.REQUIRE_OPS_TOOLS === '1') throw new Error(`REQUIRE_OPS_TOOLS is set but ${SKIP}`);

/** Metric names an expression reads: identifiers followed by `{` or `[` or standing alone, minus PromQL's words. */
function metricsIn(expression: string): Set<string> {
  const withoutStrings = expression.replace(/"[^"]*"/g, '""').replace(/\{[^}]*\}/g, '{}');
  const words = withoutStrings.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  const promql = new Set(['sum', 'by', 'rate', 'clamp_min', 'histogram_quantile', 'max', 'topk', 'and', 'or', 'le', 'route', 'status', 'status_code', 'instance', 'outcome', 'state', 'e']);
  return new Set(words.filter((word) => !promql.has(word) && !/^\d/.test(word) && (word.includes('_') || word === 'up')));
}

interface RuleFile {
  groups: Array<{ rules: Array<{ record?: string; alert?: string; expr: string }> }>;
}

describe.skipIf(SKIP !== null)(`Prometheus rules${SKIP ? ` — skipped: ${SKIP}` : ''}`, () => {
  it('pass promtool check rules', () => {
    const output = execFileSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('pass their unit tests (promtool test rules): alerts fire on bad traffic and stay quiet on good', () => {
    const output = execFileSync('promtool', ['test', 'rules', join(PROMETHEUS, 'tests', 'reservehub.test.yaml')], { encoding: 'utf8', cwd: PROMETHEUS });
    expect(output).toContain('SUCCESS');
  });
});

describe('metrics the rules and the dashboard read', () => {
  const rules = parse(readFileSync(RULES, 'utf8')) as RuleFile;
  const recorded = new Set(rules.groups.flatMap((group) => group.rules.flatMap((rule) => (rule.record ? [rule.record] : []))));

  it('are all exported by the service (or recorded from them)', async () => {
    const registry = createMetrics({ poolStats: () => ({ total: 0, idle: 0, waiting: 0 }), jobCounts: async () => [] }).registry;
    const exported = new Set<string>(['up']);
    for (const metric of await registry.getMetricsAsJSON()) {
      exported.add(metric.name);
      if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_count', '_sum']) exported.add(`${metric.name}${suffix}`);
    }
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy', 'grafana', 'reservehub-service.json'), 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    const expressions = [
      ...rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr)),
      ...dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)),
    ];
    const read = new Set(expressions.flatMap((expression) => [...metricsIn(expression)]));
    // The check reads real names (a parser that found nothing would pass vacuously).
    expect([...read]).toEqual(expect.arrayContaining(['http_request_duration_seconds_bucket', 'jobs_queue_depth', 'db_pool_connections', 'slo:booking_errors:ratio_rate1d']));
    expect([...read].filter((name) => !exported.has(name) && !recorded.has(name))).toEqual([]);
    // The SLOs' own counters are among them.
    expect(exported.has('booking_attempts_total') && exported.has('payment_attempts_total')).toBe(true);
  });
});
