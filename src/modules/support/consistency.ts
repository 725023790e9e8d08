import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { withPlatform, withTenant } from '../../platform/db/tenant-context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { BOOKING_INCONSISTENCY_KINDS, type BookingConsistency, type BookingInconsistency, type BookingRepair } from '../booking/index.ts';
import { requireBusiness } from './business-of.ts';
import { auditSupportAction, type SupportCaller } from './support-audit.ts';

const kindSchema = z.enum(BOOKING_INCONSISTENCY_KINDS).describe(
  [
    'ended_booking_holds_time: a cancelled, no-show, completed or expired booking still blocks its resource (repaired: the time is released);',
    'live_booking_without_time: a pending or confirmed booking holds no time, so the slot can be sold twice (reported only: re-reserving could double-book);',
    'paid_amount_differs: what the booking records as received differs from what its payments collected (repaired: recomputed from the payments);',
    'money_kept_for_unpaid_booking: a payment went through for a booking that ended unpaid and was not refunded (reported only: someone decides on the refund)',
  ].join(' '),
);

export const findingSchema = z.object({
  kind: kindSchema,
  booking_id: z.uuid(),
  booking_number: z.string(),
  status: z.string(),
  repairable: z.boolean().describe('Whether "repair" fixes it; the others need a person'),
  summary: z.string().describe('The finding in plain words, with its ids'),
  resource_ids: z.array(z.uuid()),
  payment_ids: z.array(z.uuid()),
  recorded_paid: z.int().nullable().describe('minor units: what the booking records as received'),
  payments_paid: z.int().nullable().describe('minor units: what its payments collected'),
  amount: z.int().nullable().describe('minor units: money kept for an unpaid booking'),
  currency: z.string(),
});

export const consistencyReportSchema = z.object({
  tenant_id: z.uuid(),
  checked_at: z.iso.datetime(),
  findings: z.array(findingSchema),
  repairable: z.int().describe('How many findings "repair" fixes'),
});
export type ConsistencyReport = z.infer<typeof consistencyReportSchema>;

export const repairResultSchema = z.object({
  repaired: z.array(
    z.object({
      kind: kindSchema,
      booking_id: z.uuid(),
      booking_number: z.string(),
      resource_ids: z.array(z.uuid()),
      recorded_paid: z.int().nullable(),
      payments_paid: z.int().nullable(),
    }),
  ),
  failed: z.array(z.object({ booking_id: z.uuid(), booking_number: z.string(), error: z.string() })),
  after: consistencyReportSchema.describe('The check run again after the repair: what is left needs a person'),
});
export type RepairResult = z.infer<typeof repairResultSchema>;

const money = (amount: number | null, currency: string) => `${amount ?? 0} ${currency} (minor units)`;

/** The finding in plain English words for the API's readers; the console words it in its own languages. */
export function explainFinding(finding: BookingInconsistency): string {
  const booking = `Booking ${finding.booking_number} (${finding.booking_id}, ${finding.status})`;
  switch (finding.kind) {
    case 'ended_booking_holds_time':
      return `${booking} has ended but still blocks resource ${finding.resource_ids.join(', ')}: nobody can book that time. Repair releases it.`;
    case 'live_booking_without_time':
      return `${booking} holds no time on resource ${finding.resource_ids.join(', ')}: the same slot can be booked again. Not repaired automatically, because the time may have been sold since and re-reserving it could double-book; move or cancel the booking with the business.`;
    case 'paid_amount_differs':
      return `${booking} records ${money(finding.recorded_paid, finding.currency)} received, but its payments collected ${money(finding.payments_paid, finding.currency)}. Repair sets the booking's figure from its payments.`;
    case 'money_kept_for_unpaid_booking':
      return `${booking} ended unpaid, yet payment ${finding.payment_ids.join(', ')} kept ${money(finding.amount, finding.currency)} and was not refunded. Not repaired automatically: decide with the business whether to refund it.`;
  }
}

/**
 * The console's consistency check (RF6.2): booking's own check of a business's bookings against
 * their occupancy and payments, and the repair of what booking says is safe, one booking per
 * transaction with its two audit records.
 */
export function createConsistencyTools(deps: { db: Db; booking: BookingConsistency; now?: () => Date }) {
  const now = () => deps.now?.() ?? new Date();

  async function check(tenantId: string): Promise<ConsistencyReport> {
    // Read under the business's tenant context, so Row-Level Security applies as in diagnostics.
    const findings = await withTenant(deps.db, tenantId, async (trx) => {
      await requireBusiness(trx, tenantId);
      return deps.booking.find(trx, tenantId);
    });
    return {
      tenant_id: tenantId,
      checked_at: now().toISOString(),
      findings: findings.map((finding) => ({ ...finding, summary: explainFinding(finding) })),
      repairable: findings.filter((finding) => finding.repairable).length,
    };
  }

  return {
    check,

    /** Repairs every repairable finding, booking by booking; idempotent (a second run repairs nothing). */
    async repair(caller: SupportCaller, tenantId: string): Promise<RepairResult> {
      const before = await check(tenantId);
      const bookings = new Map(before.findings.filter((finding) => finding.repairable).map((finding) => [finding.booking_id, finding.booking_number]));
      const repaired: BookingRepair[] = [];
      const failed: RepairResult['failed'] = [];
      for (const [bookingId, bookingNumber] of bookings) {
        try {
          repaired.push(
            ...(await withPlatform(deps.db, async (trx) => {
              const repairs = await deps.booking.repair(trx, tenantId, bookingId);
              if (repairs.length > 0) {
                await auditSupportAction(trx, caller, tenantId, 'platform.booking_consistency_repaired', { type: 'booking', id: bookingId }, { newValues: { repairs } });
              }
              return repairs;
            })),
          );
        } catch (error) {
          // One booking that cannot be repaired does not stop the others; a rerun tries it again.
          failed.push({ booking_id: bookingId, booking_number: bookingNumber, error: error instanceof AppError ? error.code : 'INTERNAL_ERROR' });
        }
      }
      return { repaired, failed, after: await check(tenantId) };
    },
  };
}

export type ConsistencyTools = ReturnType<typeof createConsistencyTools>;
