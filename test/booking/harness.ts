/**
 * Test harness for the booking module: the modules as the product wires them
 * (`composeModules`), and the shared module server (see
 * test/support/module-server.ts) with the catalog, scheduling, customers and
 * booking routes, credentials `Bearer test:<tenant>:<role>[:<user id>]` whose
 * permissions come from identity's real role table (staff see the resources
 * linked to their user), an in-memory fake of the payments port, and the real
 * notifications module behind the messages port (guest codes and waitlist
 * offers: run `app.notifications.jobs` to deliver them; give `SMTP_URL` to send them).
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseHandle, Trx } from '../../src/platform/db/database.ts';
import type { HttpServer } from '../../src/platform/http/server.ts';
import type { SystemRole } from '../../src/modules/identity/permissions.ts';
import type { NotificationsModule } from '../../src/modules/notifications/index.ts';
import type { BookingDeps, BookingModule } from '../../src/modules/booking/index.ts';
import type {
  BookingPaymentSummary,
  CancelPendingResult,
  DepositRequest,
  DepositResult,
  PaymentsPort,
  RefundResult,
} from '../../src/modules/payments/index.ts';
import { composeTestModules, makeTenant as makeAnyTenant, silentLogger, startModuleServer, testToken, type TenantOptions, type TestTenant } from '../support/module-server.ts';

export type { TestTenant } from '../support/module-server.ts';

/** A tenant on the enterprise plan unless told otherwise. */
export const makeTenant = (handle: DatabaseHandle, options: TenantOptions = {}): Promise<TestTenant> =>
  makeAnyTenant(handle, { plan: 'enterprise', ...options });

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
      list.push({ id, type: request.type, method: 'online', status, amount: request.amount.amount, currency: request.amount.currency, refunded_amount: 0 });
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

export interface BookingTestApp {
  server: HttpServer;
  booking: BookingModule;
  payments: FakePayments;
  clock: { now: Date | null };
  /** What booking was built with that tests reach into (the key ring, the messages port). */
  deps: Pick<BookingDeps, 'keyRing' | 'messages'>;
  notifications: NotificationsModule;
}

export async function startBookingServer(
  handle: DatabaseHandle,
  /** `cacheTtlSeconds`: the availability cache (off unless given, so tests read what they wrote). */
  options: { env?: Record<string, string>; cacheTtlSeconds?: number } = {},
): Promise<BookingTestApp> {
  const payments = new FakePayments();
  const clock: { now: Date | null } = { now: null };
  const { server, modules } = await startModuleServer(handle, {
    env: { PUBLIC_URL: 'https://book.example.test', ...options.env },
    permissions: 'role-table',
    register(api, context) {
      const { catalog, scheduling, customers, booking, notifications } = composeTestModules(context, {
        linkKey: Buffer.alloc(32, 7),
        scheduling: { cacheTtlSeconds: options.cacheTtlSeconds ?? 0 },
        notifications: { logger: silentLogger },
        booking: { payments, now: () => clock.now ?? new Date() },
      });
      catalog.registerRoutes(api);
      scheduling.registerRoutes(api);
      customers.registerRoutes(api);
      booking.registerRoutes(api);
      return { booking, deps: { keyRing: context.keyRing, messages: notifications.bookingMessages }, notifications };
    },
  });
  return { server, payments, clock, ...modules };
}

export const tokenFor = (tenant: TestTenant, role: SystemRole = 'business_admin', userId?: string): string => testToken(tenant, role, userId);

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
