import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db, Trx } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import type { DomainEvent, EventSubscriber } from '../../platform/events/outbox.ts';
import { defineJob, type JobDefinition, type JobOutcome } from '../../platform/jobs/job-definition.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { bookingEvents } from '../booking/index.ts';
import { findCalendarEntry, parseBookingEventData } from '../calendar/index.ts';
import { getCustomerForBooking } from '../customers/index.ts';
import { memberAbilities, type MemberReach } from '../identity/index.ts';
import { ChannelError } from './channels/channel-error.ts';
import type { PushSender } from './channels/webpush-sender.ts';
import { supportedLanguage } from './notification-catalogue.ts';
import { staffPushPlanJob, staffPushSendJob } from './notification-jobs.ts';
import * as repo from './notifications.repository.ts';
import { staffNotice, type StaffNotice, type StaffNoticeKind } from './staff-push-notice.ts';
import {
  deleteStaffPushSubscription,
  findStaffPushTarget,
  markStaffPushSucceeded,
  membersWithStaffPush,
  staffPushSubscriptionIdsOf,
} from './staff-push-subscriptions.ts';

const NOTICE_KINDS: ReadonlyMap<string, StaffNoticeKind> = new Map([
  [bookingEvents.created.name, 'created'],
  [bookingEvents.confirmed.name, 'confirmed'],
  [bookingEvents.rescheduled.name, 'rescheduled'],
  [bookingEvents.cancelled.name, 'cancelled'],
]);

/** Hands each booking change staff hear about to the planning job, after the booking's transaction (the outbox). */
export const staffPushSubscriber: EventSubscriber = {
  name: 'notifications.staff_push',
  events: [bookingEvents.created, bookingEvents.confirmed, bookingEvents.rescheduled, bookingEvents.cancelled],
  async handle(event: DomainEvent, executor) {
    await enqueue(executor, staffPushPlanJob, { event_id: event.id }, { tenantId: event.tenantId, dedupeKey: `staff-push:${event.id}` });
  },
};

export interface StaffPushDeps {
  db: Db;
  keyRing: KeyRing;
  publicUrl: string;
  /** Null without VAPID keys: staff notices are not sent (the dashboard says push is unavailable). */
  push: PushSender | null;
  /** A stylist's resources and the resources at a scoped member's locations (catalog answers, through the composition root). */
  reach: MemberReach;
}

/** The resources whose readers hear about the change: the booking's, and on a move the one it left. */
function resourcesOf(event: repo.StoredEvent, resourceId: string | null): string[] {
  const previous = event.previous_attributes?.resource_id;
  return [...new Set([resourceId, typeof previous === 'string' ? previous : null].filter((id): id is string => id !== null))];
}

/**
 * Plans one event's notices: the members who may read the booking — asked through identity's own
 * permission code, so a stylist hears only of bookings on their resources and a role changed later
 * applies at once — and one send job per browser of theirs. Idempotent: each send has its key.
 */
export function createStaffPushPlanJob(deps: StaffPushDeps): JobDefinition<typeof staffPushPlanJob.payload> {
  return defineJob({
    ...staffPushPlanJob,
    async handle(payload, context): Promise<JobOutcome> {
      const tenantId = context.tenantId;
      if (tenantId === null) return { outcome: 'discard', reason: 'event without tenant' };
      if (deps.push === null) return { outcome: 'done', note: 'web push not configured' };
      const found = await withTenant(context.db, tenantId, async (trx) => {
        const event = await repo.findEvent(trx, tenantId, payload.event_id);
        const booking = event ? parseBookingEventData(event.data) : null;
        return event && booking ? { event, booking, subscribers: await membersWithStaffPush(trx, tenantId) } : null;
      });
      if (found === null) return { outcome: 'done', note: 'not a booking event' };
      const { event, booking, subscribers } = found;
      if (subscribers.length === 0) return { outcome: 'done', note: 'no member has a device registered' };
      const resourceIds = resourcesOf(event, booking.resource.id);
      const bookingObjects = (resourceIds.length > 0 ? resourceIds : [null]).map((resourceId) => ({ id: booking.id, resource_id: resourceId, customer_id: booking.customerId }));
      const members = await memberAbilities(context.db, tenantId, deps.reach, { userIds: subscribers });
      const readers = members.filter((member) => bookingObjects.some((object) => member.can('read', 'Booking', object))).map((member) => member.userId);
      const queued = await withTenant(context.db, tenantId, async (trx) => {
        const subscriptionIds = await staffPushSubscriptionIdsOf(trx, tenantId, readers);
        for (const subscriptionId of subscriptionIds) {
          await enqueue(
            trx,
            staffPushSendJob,
            { event_id: event.id, subscription_id: subscriptionId },
            { tenantId, dedupeKey: `staff-push:${event.id}:${subscriptionId}` },
          );
        }
        return subscriptionIds.length;
      });
      return { outcome: 'done', note: `${queued} browser(s) of ${readers.length} reader(s)` };
    },
  });
}

/** The notice of an event in the business's language, with the names read now (an erased customer goes unnamed). */
async function noticeOf(trx: Trx, deps: StaffPushDeps, tenantId: string, event: repo.StoredEvent): Promise<StaffNotice | null> {
  const kind = NOTICE_KINDS.get(event.type);
  const booking = parseBookingEventData(event.data);
  if (kind === undefined || booking === null) return null;
  const entry = await findCalendarEntry(trx, tenantId, booking.id);
  const business = await repo.findBusinessProfile(trx, tenantId);
  let customerFirstName: string | null = null;
  if (booking.customerId !== null) {
    try {
      customerFirstName = (await getCustomerForBooking(trx, deps.keyRing, tenantId, booking.customerId)).first_name;
    } catch {
      // Erased or merged away since: the notice goes without a name.
    }
  }
  return staffNotice(
    {
      kind,
      bookingId: booking.id,
      serviceName: entry?.service_name ?? booking.service.name,
      customerFirstName,
      startTime: booking.startTime,
      timezone: booking.zoneGiven ? booking.timezone : (entry?.timezone ?? business?.timezone ?? booking.timezone),
      publicUrl: deps.publicUrl,
    },
    supportedLanguage(business?.language) ?? 'en',
  );
}

/**
 * Sends one notice to one browser. Accepted: the subscription's last success is noted. 404/410
 * (or an endpoint refused as private, or malformed): the subscription is removed, never retried.
 * Anything else is retried by the job queue, no sooner than a 429's Retry-After.
 */
export function createStaffPushSendJob(deps: StaffPushDeps): JobDefinition<typeof staffPushSendJob.payload> {
  return defineJob({
    ...staffPushSendJob,
    timeoutMs: 60_000,
    async handle(payload, context): Promise<JobOutcome> {
      const tenantId = context.tenantId;
      if (tenantId === null) return { outcome: 'discard', reason: 'notice without tenant' };
      const push = deps.push;
      if (push === null) return { outcome: 'done', note: 'web push not configured' };
      const prepared = await withTenant(context.db, tenantId, async (trx) => {
        const target = await findStaffPushTarget(trx, deps.keyRing, tenantId, payload.subscription_id);
        const event = target ? await repo.findEvent(trx, tenantId, payload.event_id) : undefined;
        const notice = event ? await noticeOf(trx, deps, tenantId, event) : null;
        return target && notice ? { target, notice } : null;
      });
      if (prepared === null) return { outcome: 'done', note: 'subscription or event gone' };
      // The HTTP request runs outside any transaction: a slow push service holds no connection.
      try {
        const result = await push.send(prepared.target, { payload: JSON.stringify(prepared.notice) });
        if (result.outcome === 'gone') {
          await withTenant(context.db, tenantId, (trx) => deleteStaffPushSubscription(trx, tenantId, prepared.target.id));
          return { outcome: 'done', note: `subscription gone (${result.status}), removed` };
        }
        await withTenant(context.db, tenantId, (trx) => markStaffPushSucceeded(trx, tenantId, prepared.target.id));
        return { outcome: 'done' };
      } catch (error) {
        if (!(error instanceof ChannelError)) throw error;
        if (error.permanent && error.status === 'bounced') {
          // A refused (private) or malformed endpoint can never be sent to: like a 410.
          await withTenant(context.db, tenantId, (trx) => deleteStaffPushSubscription(trx, tenantId, prepared.target.id));
          return { outcome: 'done', note: `subscription refused, removed: ${error.message}` };
        }
        if (error.permanent) return { outcome: 'discard', reason: error.message };
        return { outcome: 'retry', reason: error.message, ...(error.retryAfterMs !== undefined ? { delayMs: error.retryAfterMs } : {}) };
      }
    },
  });
}
