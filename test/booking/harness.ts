/**
 * Test harness for the booking module: the platform HTTP server with the
 * catalog, scheduling, customers and booking routes, credentials
 * `Bearer test:<tenant>:<role>[:<user id>]` whose permissions come from
 * identity's real role table (staff see the resources linked to their user),
 * an in-memory fake of the payments port, and the real notifications module
 * behind the messages port (guest codes and waitlist offers: run
 * `app.notifications.jobs` to deliver them; give `SMTP_URL` to send them).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { pino } from 'pino';
import { loadConfig } from '../../src/platform/config.ts';
import { generateMasterKey, KeyRing } from '../../src/platform/crypto/field-encryption.ts';
import type { DatabaseHandle, Trx } from '../../src/platform/db/database.ts';
import { withPlatform, withTenant } from '../../src/platform/db/tenant-context.ts';
import type { AuthContext, Authenticator } from '../../src/platform/http/access.ts';
import { AppError } from '../../src/platform/http/errors.ts';
import { createHttpServer, type HttpServer } from '../../src/platform/http/server.ts';
import { createMetrics } from '../../src/platform/observability/metrics.ts';
import { createCatalogModule, resourceIdsForUser } from '../../src/modules/catalog/index.ts';
import { createCustomersModule } from '../../src/modules/customers/index.ts';
import { buildAbility, checkAbility, ROLE_RULES, SYSTEM_ROLES, type SystemRole } from '../../src/modules/identity/permissions.ts';
import { createSchedulingModule } from '../../src/modules/scheduling/index.ts';
import { createNotificationsModule, type NotificationsModule } from '../../src/modules/notifications/index.ts';
import { createBookingModule, customerSearchAdapter, type BookingDeps } from '../../src/modules/booking/index.ts';
import type { BookingModule } from '../../src/modules/booking/index.ts';
import type {
  BookingPaymentSummary,
  CancelPendingResult,
  DepositRequest,
  DepositResult,
  PaymentsPort,
  RefundResult,
} from '../../src/modules/payments/payments-port.ts';
import { KeyRing as PlatformKeyRing, generateMasterKey as generatePlatformKey } from '../../src/platform/crypto/field-encryption.ts';

const platformKeyRing = new PlatformKeyRing({ keys: [generatePlatformKey('platform-test')] });


export interface TestTenant {
  tenantId: string;
  slug: string;
  businessId: string;
}

export async function makeTenant(handle: DatabaseHandle, options: { plan?: string; settings?: Record<string, unknown> } = {}): Promise<TestTenant> {
  const tenantId = randomUUID();
  const businessId = randomUUID();
  const slug = `b-${tenantId.slice(0, 8)}`;
  await withPlatform(handle.db, async (trx) => {
    await sql`insert into tenants (id, name, slug, plan_id) values (${tenantId}, ${slug}, ${slug}, ${options.plan ?? 'enterprise'})`.execute(trx);
    await sql`insert into businesses (tenant_id, id, name, slug, timezone, currency, settings)
      values (${tenantId}, ${businessId}, ${slug}, ${slug}, 'Europe/Madrid', 'EUR', ${JSON.stringify(options.settings ?? {})}::jsonb)`.execute(trx);
  });
  return { tenantId, slug, businessId };
}

/** The payments port as the booking module sees it, in memory. `pm_card_visa` succeeds, `pm_card_chargeDeclined` fails. */
export class FakePayments implements PaymentsPort {
  readonly deposits: DepositRequest[] = [];
  readonly refunds: Array<{ bookingId: string; amount: number; reason: string }> = [];
  readonly cancelledFor: string[] = [];
  readonly #payments = new Map<string, BookingPaymentSummary[]>();

  async startDeposit(_trx: Trx, request: DepositRequest): Promise<DepositResult> {
    this.deposits.push(request);
    const status =
      request.paymentMethodId === 'pm_card_visa' ? 'succeeded' : request.paymentMethodId === 'pm_card_chargeDeclined' ? 'failed' : 'requires_payment_method';
    const id = randomUUID();
    if (status !== 'failed') {
      const list = this.#payments.get(request.bookingId) ?? [];
      list.push({ id, type: request.type, status, amount: request.amount.amount, currency: request.amount.currency, refunded_amount: 0 });
      this.#payments.set(request.bookingId, list);
    }
    return {
      paymentId: id,
      intentId: `pi_${id.slice(0, 8)}`,
      clientSecret: status === 'succeeded' ? null : `pi_${id.slice(0, 8)}_secret`,
      status,
      amount: request.amount,
      nextAction: null,
      paymentPageUrl: null,
      failureReason: status === 'failed' ? 'Your card was declined' : null,
    };
  }

  async refundBooking(_trx: Trx, request: { bookingId: string; amount?: number; reason: string }): Promise<RefundResult | null> {
    const payment = this.#payments.get(request.bookingId)?.find((item) => item.status === 'succeeded');
    if (!payment) return null;
    const amount = Math.min(request.amount ?? payment.amount, payment.amount - payment.refunded_amount);
    payment.refunded_amount += amount;
    this.refunds.push({ bookingId: request.bookingId, amount, reason: request.reason });
    return { id: randomUUID(), amount, currency: payment.currency, status: 'succeeded' };
  }

  async settleNoShow(): Promise<{ depositKept: number; fee: null }> {
    return { depositKept: 0, fee: null };
  }

  async paymentsOfBooking(_trx: Trx, _tenantId: string, bookingId: string): Promise<BookingPaymentSummary[]> {
    return this.#payments.get(bookingId) ?? [];
  }

  async cancelPendingForBooking(_trx: Trx, _tenantId: string, bookingId: string): Promise<CancelPendingResult> {
    this.cancelledFor.push(bookingId);
    return { cancelled: 1, refunds: [] };
  }
}

function testAuthenticator(handle: DatabaseHandle): Authenticator {
  return {
    async authenticate(authorization) {
      if (authorization === undefined) return null;
      const match = /^Bearer test:([0-9a-f-]{36}):([a-z_]+)(?::([0-9a-f-]{36}))?$/.exec(authorization);
      const role = SYSTEM_ROLES.find((known) => known === match?.[2]);
      if (!match || !role) throw new AppError('UNAUTHENTICATED', 'bad test token');
      const tenantId = match[1] ?? '';
      const userId = match[3] ?? randomUUID();
      const resourceIds = role === 'staff' ? await withTenant(handle.db, tenantId, (trx) => resourceIdsForUser(trx, tenantId, userId)) : [];
      const ability = buildAbility(ROLE_RULES[role satisfies SystemRole]({ userId, resourceIds }));
      const context: AuthContext = {
        tenantId,
        actor: { type: role === 'customer' ? 'customer' : 'user', id: userId },
        userId,
        role,
        sessionId: null,
        can: (action, subject, object) => checkAbility(ability, action, subject, object),
        attributes: { resourceIds },
      };
      return context;
    },
    async resolvePublicTenant(hint) {
      if (hint.slug === undefined) return null;
      const result = await sql<{ id: string; slug: string; status: string }>`select id, slug, status from tenants where slug = ${hint.slug}`.execute(handle.db);
      return result.rows[0] ?? null;
    },
  };
}

export interface BookingTestApp {
  server: HttpServer;
  booking: BookingModule;
  payments: FakePayments;
  clock: { now: Date | null };
  deps: BookingDeps;
  notifications: NotificationsModule;
}

export async function startBookingServer(handle: DatabaseHandle, options: { env?: Record<string, string> } = {}): Promise<BookingTestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '1000000',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000',
    ...options.env,
  });
  const metrics = createMetrics({ poolStats: () => handle.poolStats(), jobCounts: async () => [] });
  const keyRing = new KeyRing({ keys: [generateMasterKey('t1')] });
  const scheduling = createSchedulingModule({ db: handle.db, cacheTtlSeconds: 0 });
  const catalog = createCatalogModule({ db: handle.db, onCatalogChanged: scheduling.onCatalogChanged });
  const customers = createCustomersModule({ db: handle.db, keyRing });
  const payments = new FakePayments();
  const clock: { now: Date | null } = { now: null };
  const notifications = createNotificationsModule({ db: handle.db, config, keyRing, logger: pino({ level: 'silent' }) });
  const deps: BookingDeps = {
    db: handle.db,
    keyRing,
    payments,
    messages: notifications.bookingMessages,
    bumpAvailabilityVersion: scheduling.bumpAvailabilityVersion,
    publicUrl: 'https://book.example.test',
    linkKey: Buffer.alloc(32, 7),
    searchCustomerIds: customerSearchAdapter(keyRing),
    now: () => clock.now ?? new Date(),
  };
  const booking = createBookingModule(deps);
  booking.registerCustomerData(customers.registry);
  const server = await createHttpServer({ config, db: handle.db, authenticator: testAuthenticator(handle), metrics, keyRing: platformKeyRing, isReady: async () => true });
  await server.register(
    async (plain) => {
      const api = plain.withTypeProvider<ZodTypeProvider>();
      catalog.registerRoutes(api);
      scheduling.registerRoutes(api);
      customers.registerRoutes(api);
      booking.registerRoutes(api);
    },
    { prefix: '/api/v1' },
  );
  await server.ready();
  return { server, booking, payments, clock, deps, notifications };
}

export const tokenFor = (tenant: TestTenant, role: SystemRole = 'business_admin', userId?: string): string =>
  `Bearer test:${tenant.tenantId}:${role}${userId ? `:${userId}` : ''}`;

export interface Catalog {
  locationId: string;
  resourceId: string;
  otherResourceId: string;
  serviceId: string;
  staffUserId: string;
}

/** A location in Madrid, two staff resources working every day 09:00–18:00, and a 30-minute service of both. */
export async function makeCatalog(
  app: BookingTestApp,
  tenant: TestTenant,
  service: Record<string, unknown> = {},
): Promise<Catalog> {
  const auth = tokenFor(tenant);
  const post = async (url: string, payload: Record<string, unknown>) => {
    const response = await app.server.inject({ method: 'POST', url, headers: { authorization: auth }, payload });
    if (response.statusCode !== 201) throw new Error(`${url} → ${response.statusCode} ${response.body}`);
    return response.json<{ data: { id: string } }>().data.id;
  };
  const staffUserId = randomUUID();
  const locationId = await post('/api/v1/locations', { name: 'Centro', timezone: 'Europe/Madrid', address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' } });
  const resourceId = await post('/api/v1/resources', { location_id: locationId, name: 'Marta', type: 'staff', user_id: staffUserId });
  const otherResourceId = await post('/api/v1/resources', { location_id: locationId, name: 'Luis', type: 'staff' });
  for (const id of [resourceId, otherResourceId]) {
    await post('/api/v1/schedules', { resource_id: id, name: 'Always', start_date: '2020-01-01', time_slots: [{ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5, 6, 7] }] });
  }
  const serviceId = await post('/api/v1/services', {
    name: 'Corte',
    duration_minutes: 30,
    price: { amount: 2000, currency: 'EUR' },
    resource_ids: [resourceId, otherResourceId],
    ...service,
  });
  return { locationId, resourceId, otherResourceId, serviceId, staffUserId };
}

/** `HH:MM` Madrid time on the date `days` ahead, as an instant with offset. */
export function madridSlot(days: number, time: string): string {
  const date = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  const probe = new Date(`${date}T12:00:00Z`);
  const offsetHours = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Madrid', hour: '2-digit', hourCycle: 'h23' }).format(probe)) - 12;
  return `${date}T${time}:00+${String(offsetHours).padStart(2, '0')}:00`;
}
