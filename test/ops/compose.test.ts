/**
 * The container deployment (Dockerfile, compose.yaml and deploy/compose): what a typo would break
 * silently. Every setting compose gives the app is one the app reads; the secrets
 * deploy/compose/generate-env.mjs prints load as a production configuration and are usable keys;
 * the servers start only after the one-shot migration succeeded; the proxy and Prometheus reach
 * exactly the processes compose starts; every app container is locked down like the Kubernetes
 * pods; every file compose mounts exists. Building and running the image is
 * deploy/container/build-local.sh (it needs root and podman, so it is not part of the suite).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { importJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema, loadConfig } from '../../src/platform/config.ts';
import { keyEncryptionRing } from '../../src/platform/crypto/database-keys.ts';
import { MIGRATIONS_DIR } from '../../src/platform/db/migrator.ts';
import { WEB_DIST_DIR } from '../../src/platform/http/web-app.ts';
import { ROOT } from '../support/product-process.ts';

interface Service {
  image?: string;
  command?: string[];
  restart?: string;
  read_only?: boolean;
  user?: string;
  cap_drop?: string[];
  security_opt?: string[];
  tmpfs?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
  volumes?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
}

const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const appServices = Object.entries(services).filter(([, service]) => service.image?.includes('reservehub') === true);
const servers = appServices.filter(([, service]) => service.command?.[0] === 'serve').map(([name]) => name);

/** The .env generate-env.mjs prints, as compose reads it (values may be single-quoted). */
function generatedEnv(): Record<string, string> {
  const text = execFileSync(process.execPath, [join(ROOT, 'deploy/compose/generate-env.mjs')], { encoding: 'utf8' });
  const entries = text
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => {
      const [name, ...rest] = line.split('=');
      const value = rest.join('=');
      return [name, value.startsWith("'") && value.endsWith("'") ? value.slice(1, -1) : value] as const;
    });
  return Object.fromEntries(entries);
}

/** Compose's ${NAME}, ${NAME:-default} and ${NAME:?error} against an environment. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_match, name: string, kind?: string, rest?: string) => {
    const set = env[name];
    if (set !== undefined && set !== '') return set;
    if (kind === '?') throw new Error(`${name} is required: ${rest}`);
    return kind === '-' ? (rest ?? '') : '';
  });
}

describe('compose.yaml', () => {
  it('runs two servers, one worker and a one-shot migration from the ReserveHub image', () => {
    expect(servers.length).toBeGreaterThanOrEqual(2);
    expect(appServices.filter(([, service]) => service.command?.[0] === 'work')).toHaveLength(1);
    const migrations = appServices.filter(([, service]) => service.command?.[0] === 'migrate');
    expect(migrations).toHaveLength(1);
    expect(migrations[0]?.[1].restart).toBe('no');
    for (const name of ['postgres', 'redis', 'proxy', 'prometheus', 'grafana', 'otel-collector']) expect(services).toHaveProperty(name);
  });

  it('starts servers and the worker only after the migration succeeded and the data services are healthy', () => {
    const [migrateName] = appServices.find(([, service]) => service.command?.[0] === 'migrate') ?? [];
    expect(services[migrateName ?? '']?.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' } });
    for (const [name, service] of appServices.filter(([, s]) => s.command?.[0] !== 'migrate')) {
      expect(service.depends_on, name).toMatchObject({
        [migrateName ?? '']: { condition: 'service_completed_successfully' },
        redis: { condition: 'service_healthy' },
      });
    }
    expect(services.postgres?.healthcheck?.test).toContain('pg_isready');
  });

  it('gives the app only settings it reads, and locks its containers down', () => {
    const known = new Set(Object.keys(configSchema.shape));
    for (const [name, service] of appServices) {
      const unknown = Object.keys(service.environment ?? {}).filter((key) => !known.has(key));
      expect(unknown, `${name}: settings the app does not read`).toEqual([]);
      expect(service.read_only, name).toBe(true);
      expect(service.tmpfs, name).toContain('/tmp');
      expect(service.user, name).toMatch(/^[1-9]\d*:[1-9]\d*$/);
      expect(service.cap_drop, name).toContain('ALL');
      expect(service.security_opt, name).toContain('no-new-privileges:true');
    }
  });

  it('loads as a production configuration with the secrets generate-env.mjs prints, and those keys work', async () => {
    const env = generatedEnv();
    for (const [name, service] of appServices) {
      const resolved = Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value), env)]));
      const config = loadConfig(resolved);
      expect(config.NODE_ENV, name).toBe('production');
      expect(config.DATABASE_URL, name).toBe(`postgres://reservehub:${env.POSTGRES_PASSWORD}@postgres:5432/reservehub`);
      expect(config.TRUSTED_PROXIES, name).toEqual(['172.28.0.0/24']);
    }
    // Without the secrets compose refuses to start rather than running with none.
    expect(() => interpolate(String(services['serve-1']?.environment?.JWT_PRIVATE_KEYS), {})).toThrow(/JWT_PRIVATE_KEYS is required/);

    const [jwk] = JSON.parse(env.JWT_PRIVATE_KEYS ?? '[]') as { kid: string; alg: string }[];
    expect(jwk?.alg).toBe('ES256');
    const token = await new SignJWT({ sub: 'check' }).setProtectedHeader({ alg: 'ES256', kid: jwk?.kid }).sign(await importJWK(jwk ?? {}, 'ES256'));
    expect(token.split('.')).toHaveLength(3);
    const ring = keyEncryptionRing(env.KEY_ENCRYPTION_KEYS);
    expect(ring?.decrypt(ring.encrypt('wrapped key', 'context'), 'context')).toBe('wrapped key');
  });

  it('puts every server behind the proxy, checked on /ready, and has Prometheus scrape every process', () => {
    const haproxy = readFileSync(join(ROOT, 'deploy/compose/haproxy.cfg'), 'utf8');
    expect(haproxy).toMatch(/option httpchk GET \/ready/);
    const backends = [...haproxy.matchAll(/^\s*server\s+\S+\s+([\w-]+):3000\b/gm)].map((match) => match[1]);
    expect(backends.sort()).toEqual([...servers].sort());

    const prometheus = parse(readFileSync(join(ROOT, 'deploy/compose/prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const job = prometheus.scrape_configs.find((config) => config.job_name === 'reservehub');
    const metricsPort = services['serve-1']?.environment?.METRICS_PORT;
    const targets = job?.static_configs.flatMap((config) => config.targets) ?? [];
    expect(targets.sort()).toEqual(appServices.filter(([, s]) => s.command?.[0] !== 'migrate').map(([name]) => `${name}:${metricsPort}`).sort());
    // The SLO rules select the job by this name.
    expect(readFileSync(join(ROOT, 'deploy/prometheus/rules/reservehub.rules.yaml'), 'utf8')).toContain('job="reservehub"');
  });

  it('mounts only files that exist in the repository', () => {
    const sources = Object.values(services)
      .flatMap((service) => service.volumes ?? [])
      .map((volume) => volume.split(':')[0] ?? '')
      .filter((source) => source.startsWith('./'));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(existsSync(join(ROOT, source)), source).toBe(true);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').filter((line) => line !== '' && !line.startsWith('#'));

  it('builds in stages and runs as a non-root user with a health check on /ready', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(runtime).toMatch(/^USER [1-9]\d*/m);
    expect(runtime).toMatch(/^HEALTHCHECK [\s\S]*\/ready/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["node", "src\/main.ts"\]/m);
    // Production dependencies only, and no npm in the final image.
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(runtime).not.toMatch(/npm (ci|install)/);
  });

  it('copies into the runtime stage every directory the server reads at run time', () => {
    const copied = [...runtime.matchAll(/^COPY --from=build \S+ \.\/(\S+)$/gm)].map((match) => match[1]?.replace(/\/$/, ''));
    const needed = ['src', 'migrations', 'web/dist', 'node_modules'];
    expect(relative(ROOT, MIGRATIONS_DIR).replace(/\/$/, '')).toBe('migrations');
    expect(relative(ROOT, WEB_DIST_DIR).replace(/\/$/, '')).toBe('web/dist');
    for (const directory of needed) expect(copied, directory).toContain(directory);
    // The build context keeps what the build needs and leaves out the heavy and the secret.
    for (const needed of ['src', 'migrations', 'web/src', 'scripts', 'package-lock.json']) expect(ignored).not.toContain(needed);
    for (const excluded of ['.git', '**/node_modules', '.env']) expect(ignored).toContain(excluded);
  });
});
