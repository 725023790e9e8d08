import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1');

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
  /** Role the application switches to inside every transaction; it must not bypass RLS. */
  DATABASE_APP_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a plain lower-case SQL identifier')
    .default('reservehub_app'),
  REDIS_URL: z.string().url().optional(),
  SMTP_URL: z.string().url().optional(),
  EMAIL_FROM: z.string().min(3).default('ReserveHub <no-reply@reservehub.local>'),
  PUBLIC_URL: z.string().url().optional(),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Signing secret of a separate Connect webhook endpoint (events of connected accounts, e.g. account.updated). */
  STRIPE_CONNECT_WEBHOOK_SECRET: z.string().min(1).optional(),
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
  JWT_PRIVATE_KEYS: z.string().min(1).optional(),
  JWT_ISSUER: z.string().min(1).default('reservehub'),
  JWT_ACCESS_TTL_SECONDS: z.coerce.number().int().min(60).max(1800).default(900),
  WEBHOOKS_ALLOW_PRIVATE: booleanFromEnv,
  /** Lets Web Push endpoints resolve to private or loopback addresses (tests, a self-hosted push service); off by default. */
  PUSH_ALLOW_PRIVATE: booleanFromEnv,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
  SHUTDOWN_GRACE_MS: positiveIntFromEnv(10_000),
  WORKER_CONCURRENCY: positiveIntFromEnv(4),
  WORKER_POLL_MS: positiveIntFromEnv(1000),
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
    const missing = (['DATABASE_URL', 'ENCRYPTION_KEYS', 'JWT_PRIVATE_KEYS', 'PUBLIC_URL'] as const).filter(
      (name) => config[name] === undefined,
    );
    if (missing.length > 0) {
      throw new ConfigError(`Missing required settings in production: ${missing.join(', ')}`);
    }
  }
  return config;
}

/** Embedded mode: no external database; PGlite files live under DATA_DIR. */
export function isEmbedded(config: Config): boolean {
  return config.DATABASE_URL === undefined;
}

export function publicUrl(config: Config): string {
  return (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '');
}
