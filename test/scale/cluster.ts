/**
 * Many processes, one truth: the real CLI started as 3 `serve` and 2 `work` processes on one
 * PostgreSQL (+ Redis), behind HAProxy (Debian's `haproxy`), optionally with PgBouncer in
 * transaction mode between the processes and PostgreSQL (Debian's `pgbouncer`). A real SMTP sink
 * and a webhook receiver count what the workers deliver.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { freePort, ROOT } from '../support/product-process.ts';
import { SmtpSink } from '../support/smtp-sink.ts';

/** Whether this machine can run the cluster: PostgreSQL + Redis configured and the Debian tools installed. */
export function clusterSkipReason(): string | null {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) return 'the scale tests run in the PostgreSQL + Redis pass';
  const missing = ['haproxy', 'pgbouncer'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (missing.length === 0) return null;
  const reason = `${missing.join(' and ')} not installed (Debian packages haproxy, pgbouncer)`;
  if (process.env.REQUIRE_OPS_TOOLS === '1') throw new Error(`REQUIRE_OPS_TOOLS is set but ${reason}`);
  return reason;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition().catch(() => false)) return;
    await wait(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** One `node src/main.ts <command>` process with its output kept. */
export class NodeProcess {
  readonly output: string[] = [];
  #child: ChildProcess | null = null;
  #exited: Promise<number | null> = Promise.resolve(null);

  readonly name: string;
  readonly command: 'serve' | 'work';
  readonly port: number;
  readonly env: Record<string, string>;

  constructor(name: string, command: 'serve' | 'work', port: number, env: Record<string, string>) {
    this.name = name;
    this.command = command;
    this.port = port;
    this.env = env;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const portVariable = this.command === 'serve' ? { PORT: String(this.port) } : { METRICS_PORT: String(this.port), PORT: String(this.port + 1) };
    const child = spawn(process.execPath, ['src/main.ts', this.command], { cwd: ROOT, env: { ...this.env, ...portVariable }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    this.#child = child;
    const probe = this.command === 'serve' ? '/ready' : '/health';
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`${this.name} exited:\n${this.output.join('')}`);
      return (await fetch(`${this.url}${probe}`)).ok;
    }, 60_000, `${this.name} to answer ${probe}`);
  }

  /** kill -9: no shutdown at all. */
  async kill(): Promise<void> {
    this.#child?.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM, as an orchestrator stops it; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (!this.#child || this.#child.exitCode !== null) return this.#child?.exitCode ?? null;
    this.#child.kill('SIGTERM');
    return this.#exited;
  }
}

/** A webhook receiver answering 200, keeping each request's headers and body. */
export class WebhookReceiver {
  readonly requests: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  #server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      // A worker killed mid-delivery resets its connection: that is the scenario, not a failure.
      request.on('error', () => undefined);
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(200).end('ok');
      });
    });
    server.on('clientError', (_error, socket) => socket.destroy());
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.#server = server;
    this.url = `http://127.0.0.1:${port}/hooks`;
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.#server?.close(resolve));
  }
}

export interface ClusterOptions {
  /** PgBouncer in transaction mode between the processes and PostgreSQL. */
  pgbouncer?: boolean;
  env?: Record<string, string>;
}

export class Cluster {
  readonly smtp = new SmtpSink();
  readonly hooks = new WebhookReceiver();
  readonly serves: NodeProcess[] = [];
  readonly workers: NodeProcess[] = [];
  database!: TestDatabase;
  proxyUrl = '';
  ownerPassword = '';
  #dir = mkdtempSync(join(tmpdir(), 'reservehub-scale-'));
  #helpers: ChildProcess[] = [];

  readonly options: ClusterOptions;

  constructor(options: ClusterOptions = {}) {
    this.options = options;
  }

  /** The database URL the processes use: PostgreSQL itself, or PgBouncer in front of it. */
  #appDatabaseUrl = '';

  async start(): Promise<void> {
    chmodSync(this.#dir, 0o755);
    this.database = await openTestDatabase();
    await this.smtp.start();
    await this.hooks.start();
    this.#appDatabaseUrl = this.options.pgbouncer ? await this.#startPgbouncer() : (this.database.url ?? '');
    const base: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: this.#appDatabaseUrl,
      DATABASE_POOL_SIZE: '8',
      REDIS_URL: process.env.REDIS_URL ?? '',
      SMTP_URL: this.smtp.url,
      WEBHOOKS_ALLOW_PRIVATE: 'true',
      WORKER_POLL_MS: '200',
      WORKER_LEASE_MS: '3000',
      SHUTDOWN_READINESS_DELAY_MS: '1200',
      ENCRYPTION_KEYS_REFRESH_MS: '500',
      DATA_DIR: this.#dir,
      ...(this.options.pgbouncer ? { DATABASE_PREPARED_STATEMENTS: 'false' } : {}),
      ...this.options.env,
    };
    // The demo business (its owner's password is printed), straight on PostgreSQL like a release job.
    const seeded = spawnSync(process.execPath, ['src/main.ts', 'seed'], { cwd: ROOT, env: { ...base, DATABASE_URL: this.database.url ?? '' }, encoding: 'utf8' });
    this.ownerPassword = /owner@demo\.reservehub\.test \/ (\S+)/.exec(seeded.stdout)?.[1] ?? '';
    if (!this.ownerPassword) throw new Error(`seed failed:\n${seeded.stdout}\n${seeded.stderr}`);

    const ports = await Promise.all(Array.from({ length: 5 }, () => freePort()));
    for (const [index, port] of ports.slice(0, 3).entries()) {
      this.serves.push(new NodeProcess(`serve-${index + 1}`, 'serve', port, { ...base, PUBLIC_URL: 'http://127.0.0.1' }));
    }
    for (const [index, port] of ports.slice(3).entries()) this.workers.push(new NodeProcess(`work-${index + 1}`, 'work', port, base));
    await Promise.all([...this.serves, ...this.workers].map((node) => node.start()));
    await this.#startHaproxy();
  }

  async #startPgbouncer(): Promise<string> {
    const port = await freePort();
    const url = new URL(this.database.url ?? '');
    writeFileSync(join(this.#dir, 'userlist.txt'), `"${url.username || 'postgres'}" ""\n`);
    writeFileSync(
      join(this.#dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `* = host=${url.hostname} port=${url.port || '5432'}`,
        '[pgbouncer]',
        `listen_addr = 127.0.0.1`,
        `listen_port = ${port}`,
        `unix_socket_dir =`,
        'auth_type = trust',
        `auth_file = ${join(this.#dir, 'userlist.txt')}`,
        'pool_mode = transaction',
        'max_client_conn = 1000',
        'default_pool_size = 20',
        'ignore_startup_parameters = extra_float_digits,options',
        '',
      ].join('\n'),
    );
    // PgBouncer refuses to run as root: drop to nobody when we are root.
    const asRoot = process.getuid?.() === 0;
    const child = spawn('pgbouncer', [...(asRoot ? ['-u', 'nobody'] : []), join(this.#dir, 'pgbouncer.ini')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#helpers.push(child);
    const pooled = new URL(url);
    pooled.port = String(port);
    pooled.hostname = '127.0.0.1';
    const { default: pg } = await import('pg');
    await until(async () => {
      const client = new pg.Client({ connectionString: pooled.toString() });
      await client.connect();
      await client.query('select 1');
      await client.end();
      return true;
    }, 15_000, 'pgbouncer');
    return pooled.toString();
  }

  async #startHaproxy(): Promise<void> {
    const port = await freePort();
    const config = [
      'global',
      '  maxconn 4000',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 60s',
      '  timeout server 60s',
      // A request refused at connect (a stopped server) goes to another server; nothing else is retried.
      '  retries 3',
      '  option redispatch 1',
      '  retry-on conn-failure',
      '  option http-server-close',
      '  http-reuse never',
      'frontend api',
      `  bind 127.0.0.1:${port}`,
      '  default_backend serve',
      'backend serve',
      '  balance roundrobin',
      '  option httpchk GET /ready',
      '  timeout check 2s',
      '  default-server inter 150 fall 3 rise 2',
      ...this.serves.map((node) => `  server ${node.name} 127.0.0.1:${node.port} check`),
      '',
    ].join('\n');
    const path = join(this.#dir, 'haproxy.cfg');
    writeFileSync(path, config);
    const child = spawn('haproxy', ['-db', '-f', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#helpers.push(child);
    this.proxyUrl = `http://127.0.0.1:${port}`;
    await until(async () => (await fetch(`${this.proxyUrl}/ready`)).ok, 15_000, 'haproxy');
  }

  #token: Promise<string> | null = null;

  /** The demo owner's access token, signed in once (later sign-ins would count against the public limit). */
  ownerToken(): Promise<string> {
    this.#token ??= this.#signIn(this.proxyUrl);
    return this.#token;
  }

  /** What each process wrote, for a failing scenario's message. */
  outputs(): string {
    return [...this.serves, ...this.workers].map((node) => `--- ${node.name}\n${node.output.join('').slice(-3000)}`).join('\n');
  }

  async #signIn(via: string): Promise<string> {
    const login = await fetch(`${via}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@demo.reservehub.test', password: this.ownerPassword, tenant_slug: 'demo' }),
    });
    if (login.status !== 200) throw new Error(`owner sign-in answered ${login.status}: ${await login.text()}`);
    return ((await login.json()) as { data: { access_token: string } }).data.access_token;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.serves, ...this.workers].map((node) => node.kill().catch(() => undefined)));
    for (const helper of this.#helpers) helper.kill('SIGKILL');
    await this.smtp.close();
    await this.hooks.close();
    await this.database?.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
