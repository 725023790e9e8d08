import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { withPlatform, withTenant } from '../../platform/db/tenant-context.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import type { PageQuery } from '../../platform/http/pagination.ts';
import { deadJobsOfTenant } from '../../platform/jobs/dead-jobs.ts';
import { bookingNumbersOf } from '../booking/index.ts';
import { businessPeople } from '../identity/index.ts';
import { latestUndeliveredMessages } from '../notifications/index.ts';
import { latestPayments } from '../payments/index.ts';
import { latestFailedDeliveries } from '../webhooks/index.ts';
import { requireBusiness } from './business-of.ts';

/** How far back the recent errors go: the last 7 days. */
const ERRORS_WINDOW_MS = 7 * 86_400_000;
/** At most this many of each kind of error are listed. */
const ERRORS_PER_KIND = 20;

export const peopleSchema = z.object({
  tenant_id: z.uuid(),
  total: z.int().describe('Members of the business (customers not included); at most 500 are listed'),
  pending_invitations: z.int().describe('Invitations sent and neither accepted nor expired'),
  members: z.array(
    z.object({
      user_id: z.uuid(),
      name: z.string().nullable(),
      email: z.string(),
      role: z.string().describe('business_admin, manager, receptionist, staff or custom'),
      custom_role_name: z.string().nullable().describe("The custom role's name when role is custom"),
      status: z.enum(['active', 'deactivated', 'disabled']).describe('disabled: the account itself is disabled on the platform'),
      two_factor: z.boolean().describe('Whether the member signs in with a second factor'),
      last_active_at: z.iso.datetime().nullable().describe('Their last request in this business'),
      last_sign_in_at: z.iso.datetime().nullable().describe('The last session they started (support impersonation left out)'),
    }),
  ),
});
export type People = z.infer<typeof peopleSchema>;

export const customerPaymentSchema = z.object({
  id: z.uuid(),
  booking_id: z.uuid(),
  booking_number: z.string().nullable(),
  kind: z.enum(['deposit', 'full_payment', 'penalty']).describe('penalty: a no-show fee'),
  status: z.string(),
  amount: z.int().describe('minor units'),
  currency: z.string(),
  refunded_amount: z.int().describe('minor units refunded so far'),
  failure_code: z.string().nullable().describe("The provider's decline code when the payment failed"),
  created_at: z.iso.datetime(),
});
export type CustomerPayment = z.infer<typeof customerPaymentSchema>;

const errorKindSchema = z.enum(['job', 'webhook_delivery', 'message']);

export const recentErrorsSchema = z.object({
  tenant_id: z.uuid(),
  since: z.iso.datetime().describe('Errors from here on (7 days back)'),
  errors: z
    .array(
      z.object({
        kind: errorKindSchema.describe('job: a background job that failed every attempt; webhook_delivery: a delivery that failed for good; message: a failed or bounced message'),
        id: z.uuid(),
        occurred_at: z.iso.datetime(),
        what: z.string().describe("The job's name or the event the delivery or message was about"),
        channel: z.string().nullable().describe('Messages: email, sms, whatsapp or push'),
        url: z.string().nullable().describe("Deliveries: the business's endpoint"),
        attempts: z.int().nullable(),
        http_status: z.int().nullable().describe("Deliveries: the endpoint's last HTTP status (null: no response)"),
        error_code: z.string().nullable().describe("Messages: the provider's code only, never the content or the address"),
        error: z.string().nullable().describe("Jobs: why the last attempt failed, e-mail addresses and phone numbers removed"),
        summary: z.string().describe('The error in plain English words'),
      }),
    )
    .describe('Newest first, at most 20 of each kind'),
});
export type RecentErrors = z.infer<typeof recentErrorsSchema>;
type RecentError = RecentErrors['errors'][number];

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

/** A job's error without personal data: e-mail addresses and phone-like numbers go, and it stays short. */
export function jobErrorWithoutPersonalData(error: string | null): string | null {
  if (error === null) return null;
  const cleaned = error
    .replace(/[^\s@<>"',;:()]+@[^\s@<>"',;:()]+\.[^\s@<>"',;:()]+/g, '[e-mail]')
    .replace(/\+?\d[\d\s().-]{7,}\d/g, '[number]')
    .trim();
  return cleaned.length > 300 ? `${cleaned.slice(0, 299)}…` : cleaned;
}

/**
 * What the platform console shows of one business besides its plan (the issue's tenant detail):
 * its people, its customers' latest payments and its recent errors. Each read is checked against
 * the business (404 for an unknown id or the platform's own tenant) and runs in the business's tenant
 * context, except the people, whose accounts and credentials are platform rows (`withPlatform`,
 * filtered by the business in identity's query).
 */
export function createTenantActivity(deps: { db: Db; now?: () => Date }) {
  const now = () => deps.now?.() ?? new Date();

  return {
    people(tenantId: string): Promise<People> {
      return withPlatform(deps.db, async (trx) => {
        await requireBusiness(trx, tenantId);
        const people = await businessPeople(trx, tenantId);
        return {
          tenant_id: tenantId,
          total: people.total,
          pending_invitations: people.pending_invitations,
          members: people.members.map((member) => ({ ...member, last_active_at: iso(member.last_active_at), last_sign_in_at: iso(member.last_sign_in_at) })),
        };
      });
    },

    payments(tenantId: string, query: PageQuery): Promise<{ items: CustomerPayment[]; pagination: PaginationMeta }> {
      return withTenant(deps.db, tenantId, async (trx) => {
        await requireBusiness(trx, tenantId);
        const page = await latestPayments(trx, tenantId, query);
        const numbers = await bookingNumbersOf(trx, tenantId, page.items.map((payment) => payment.booking_id));
        return {
          items: page.items.map((payment) => ({
            id: payment.id,
            booking_id: payment.booking_id,
            booking_number: numbers.get(payment.booking_id) ?? null,
            kind: payment.type,
            status: payment.status,
            amount: payment.amount,
            currency: payment.currency.trim(),
            refunded_amount: payment.refunded_amount,
            failure_code: payment.failure_reason,
            created_at: payment.created_at,
          })),
          pagination: page.pagination,
        };
      });
    },

    errors(tenantId: string): Promise<RecentErrors> {
      const since = new Date(now().getTime() - ERRORS_WINDOW_MS);
      return withTenant(deps.db, tenantId, async (trx) => {
        await requireBusiness(trx, tenantId);
        const jobs = await deadJobsOfTenant(trx, tenantId, since, ERRORS_PER_KIND);
        const deliveries = await latestFailedDeliveries(trx, tenantId, since, ERRORS_PER_KIND);
        const messages = await latestUndeliveredMessages(trx, tenantId, since, ERRORS_PER_KIND);
        const none = { channel: null, url: null, attempts: null, http_status: null, error_code: null, error: null };
        const errors: RecentError[] = [
          ...jobs.map((job) => {
            const error = jobErrorWithoutPersonalData(job.last_error);
            return {
              ...none,
              kind: 'job' as const,
              id: job.id,
              occurred_at: job.died_at.toISOString(),
              what: job.name,
              attempts: job.attempts,
              error,
              summary: `Job ${job.name} failed ${job.attempts} times and stopped${error ? `: ${error}` : ''}.`,
            };
          }),
          ...deliveries.map((delivery) => ({
            ...none,
            kind: 'webhook_delivery' as const,
            id: delivery.id,
            occurred_at: delivery.last_attempt_at ?? since.toISOString(),
            what: delivery.event_type,
            url: delivery.url,
            attempts: delivery.attempts,
            http_status: delivery.last_response_status,
            summary: `Webhook ${delivery.event_type} to ${delivery.url} failed after ${delivery.attempts} attempts (${delivery.last_response_status === null ? 'no response' : `last HTTP status ${delivery.last_response_status}`}).`,
          })),
          ...messages.map((message) => ({
            ...none,
            kind: 'message' as const,
            id: message.id,
            occurred_at: message.failed_at ?? message.created_at,
            what: message.event_type,
            channel: message.channel,
            error_code: message.error_code,
            summary: `Message ${message.event_type} by ${message.channel} ${message.status}${message.error_code ? ` (code ${message.error_code})` : ''}.`,
          })),
        ];
        errors.sort((a, b) => b.occurred_at.localeCompare(a.occurred_at) || a.id.localeCompare(b.id));
        return { tenant_id: tenantId, since: since.toISOString(), errors };
      });
    },
  };
}

export type TenantActivity = ReturnType<typeof createTenantActivity>;
