import { isIP } from 'node:net';
import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1');

/** One IPv4/IPv6 address or CIDR block (`10.0.0.0/8`, `::1`, `fd00::/8`). */
function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

const positiveIntFromEnv = (fallback: number) =>
  z.coerce.number().int().positive().default(fallback);

/**
 * Every setting the product reads from the environment, parsed once at start.
 * A bad value stops the process with a message naming the variable.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_SIZE: positiveIntFromEnv(10),
  // On unless "false"/"0": a transaction-mode pooler without prepared-statement support needs it off.
  DATABASE_PREPARED_STATEMENTS: z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((value) => value !== 'false' && value !== '0'),
  REDIS_URL: z.string().url().optional(),
  SMTP_URL: z.string().url().optional(),
  EMAIL_FROM: z.string().min(3).default('ReserveHub <no-reply@reservehub.local>'),
  PUBLIC_URL: z.string().url().optional(),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Signing secret of a separate Connect webhook endpoint (events of connected accounts, e.g. account.updated). */
  STRIPE_CONNECT_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Signing secret of the billing webhook endpoint (`/api/v1/webhooks/stripe/billing`: the platform's charges of its plans). */
  STRIPE_BILLING_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Publishable key for the hosted payment page's Payment Element (card fields served by Stripe). */
  STRIPE_PUBLISHABLE_KEY: z
    .string()
    .regex(/^pk_(test|live)_[A-Za-z0-9]+$/, 'must be a Stripe publishable key (pk_test_... or pk_live_...)')
    .optional(),
  STRIPE_API_BASE: z.string().url().optional(),
  TWILIO_ACCOUNT_SID: z.string().min(1).optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  TWILIO_FROM: z.string().min(1).optional(),
  TWILIO_API_BASE: z.string().url().optional(),
  VAPID_PUBLIC_KEY: z.string().min(1).optional(),
  VAPID_PRIVATE_KEY: z.string().min(1).optional(),
  VAPID_SUBJECT: z.string().min(1).optional(),
  ENCRYPTION_KEYS: z.string().min(1).optional(),
  /**
   * Key-encryption keys (`kid:base64key,...`, the first wraps, all unwrap) for the field-encryption keys the
   * platform generates and keeps in the database when ENCRYPTION_KEYS is not set (PostgreSQL mode).
   */
  KEY_ENCRYPTION_KEYS: z.string().min(1).optional(),
  /** How often a process re-reads the encryption keys kept in the database (keys rotated in by another process). */
  ENCRYPTION_KEYS_REFRESH_MS: positiveIntFromEnv(30_000),
  JWT_PRIVATE_KEYS: z.string().min(1).optional(),
  JWT_ISSUER: z.string().min(1).default('reservehub'),
  JWT_ACCESS_TTL_SECONDS: z.coerce.number().int().min(60).max(1800).default(900),
  WEBHOOKS_ALLOW_PRIVATE: booleanFromEnv,
  /** Lets Web Push endpoints resolve to private or loopback addresses (tests, a self-hosted push service); off by default. */
  PUSH_ALLOW_PRIVATE: booleanFromEnv,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Proxies whose `X-Forwarded-For` is believed (comma-separated addresses or CIDR blocks). Empty: none,
   * so the client address is the socket's and no caller can choose the IP that rate limits and audit see.
   */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
    .refine((entries) => entries.every(isAddressOrCidr), 'must be comma-separated IP addresses or CIDR blocks'),
  /** When set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** When set, /metrics is served on this port only (a separate listener), not on PORT. */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /**
   * Production takes payments through Stripe; the built-in sandbox (test cards, no real money) is allowed
   * there only when this is "true", and every response then says `X-Payments-Mode: test`.
   */
  PAYMENTS_SANDBOX: booleanFromEnv,
  /** The platform's legal details printed on the invoices it issues to businesses; the country decides their VAT. */
  BILLING_SELLER_NAME: z.string().min(1).default('ReserveHub S.L.'),
  BILLING_SELLER_TAX_ID: z.string().min(1).default('ESB00000000'),
  BILLING_SELLER_ADDRESS: z.string().min(1).default('Calle de Alcalá 1 | 28014 Madrid | España'),
  BILLING_SELLER_EMAIL: z.string().email().default('billing@reservehub.example'),
  BILLING_SELLER_COUNTRY: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default('ES'),
  RATE_LIMIT_PER_MINUTE: positiveIntFromEnv(600),
  PUBLIC_RATE_LIMIT_PER_MINUTE: positiveIntFromEnv(120),
  BODY_LIMIT_BYTES: positiveIntFromEnv(1_048_576),
  CORS_ORIGINS: z.string().default('*'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /** Password of the demo accounts; the embedded mode uses a documented one when unset. */
  DEMO_PASSWORD: z.string().min(12).optional(),
  /** Creates a platform administrator on first seed when set. */
  PLATFORM_ADMIN_EMAIL: z.string().email().optional(),
  PLATFORM_ADMIN_PASSWORD: z.string().min(12).optional(),
  /** The seed's platform auditor (read-only compliance access), created like the administrator when set. */
  PLATFORM_AUDITOR_EMAIL: z.string().email().optional(),
  PLATFORM_AUDITOR_PASSWORD: z.string().min(12).optional(),
  SHUTDOWN_GRACE_MS: positiveIntFromEnv(10_000),
  /**
   * On SIGTERM, how long `/ready` answers 503 while requests are still served, before the listener
   * closes: time for a load balancer's health check to take the process out. 0 behind Kubernetes,
   * whose preStop pause does the same.
   */
  SHUTDOWN_READINESS_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  WORKER_CONCURRENCY: positiveIntFromEnv(4),
  WORKER_POLL_MS: positiveIntFromEnv(1000),
  /** A claimed job's lease, renewed by a heartbeat while it runs: how soon a dead worker's job runs again. */
  WORKER_LEASE_MS: positiveIntFromEnv(30_000),
  /** Availability cache lifetime in seconds (specification §4.1.3: 5 minutes); 0 turns the cache off. */
  AVAILABILITY_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
});

export type Config = z.infer<typeof configSchema>;

/** Thrown when the environment is unusable; the message names each bad variable. */
export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "not set": shells and .env files often export VAR= .
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  if (config.NODE_ENV === 'production') {
    const missing: string[] = (['DATABASE_URL', 'JWT_PRIVATE_KEYS', 'PUBLIC_URL'] as const).filter((name) => config[name] === undefined);
    // Field-encryption keys from the environment, or generated into the database wrapped by a key-encryption key.
    if (config.ENCRYPTION_KEYS === undefined && config.KEY_ENCRYPTION_KEYS === undefined) missing.push('ENCRYPTION_KEYS or KEY_ENCRYPTION_KEYS');
    if (missing.length > 0) {
      throw new ConfigError(`Missing required settings in production: ${missing.join(', ')}`);
    }
    if (config.STRIPE_SECRET_KEY === undefined && !config.PAYMENTS_SANDBOX) {
      throw new ConfigError(
        'Payments in production: set STRIPE_SECRET_KEY (and its webhook and publishable keys), or set ' +
          'PAYMENTS_SANDBOX=true to run the sandbox provider on purpose (test cards only, no real money taken)',
      );
    }
    // Billing charges the plans through Stripe too; without its events, a card changed on Stripe's portal never reaches it.
    if (config.STRIPE_SECRET_KEY !== undefined && !config.PAYMENTS_SANDBOX && config.STRIPE_BILLING_WEBHOOK_SECRET === undefined) {
      throw new ConfigError('Billing in production with Stripe: set STRIPE_BILLING_WEBHOOK_SECRET, the signing secret of the /api/v1/webhooks/stripe/billing endpoint');
    }
  }
  if (config.METRICS_PORT !== undefined && config.METRICS_PORT === config.PORT) {
    throw new ConfigError('Invalid configuration:\n  METRICS_PORT: must differ from PORT');
  }
  return config;
}

/**
 * `test` when no real money can move: the sandbox provider, or Stripe with a test key. Every HTTP
 * response then carries `X-Payments-Mode: test`, and the payment page shows a test-mode banner.
 */
export function paymentsMode(config: Pick<Config, 'STRIPE_SECRET_KEY'>): 'live' | 'test' {
  const key = config.STRIPE_SECRET_KEY;
  return key !== undefined && /^(sk|rk)_live_/.test(key) ? 'live' : 'test';
}

/** Embedded mode: no external database; PGlite files live under DATA_DIR. */
export function isEmbedded(config: Config): boolean {
  return config.DATABASE_URL === undefined;
}

export function publicUrl(config: Config): string {
  return (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '');
}
