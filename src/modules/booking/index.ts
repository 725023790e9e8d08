/**
 * Booking: bookings and their lifecycle (the specification's state machine),
 * policies, self-service links, guest verification, multi-booking and the
 * waitlist. Other modules use only what this file exports.
 */
import type { Executor, Trx } from '../../platform/db/database.ts';
import type { EventSubscriber } from '../../platform/events/outbox.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import type { JobDefinition } from '../../platform/jobs/job-definition.ts';
import type { CustomerDataHolder } from '../customers/index.ts';
import { BookingActionsService, type FreedSlot } from './booking-actions.service.ts';
import { BookingCreateService } from './booking-create.service.ts';
import {
  bookingsContributor,
  bookingsErasureParticipant,
  bookingsMergeParticipant,
  waitlistContributor,
  waitlistErasureParticipant,
  waitlistMergeParticipant,
} from './booking-customer-data.ts';
import type { BookingDeps } from './booking-deps.ts';
import { findBookingInconsistencies, repairBookingConsistency, type BookingInconsistency, type BookingRepair } from './booking-consistency.ts';
import { createBookingExpiryJob } from './booking-expiry.job.ts';
import { BookingManageService } from './booking-manage.service.ts';
import { BookingQueryService } from './booking-query.service.ts';
import { BookingResizeService } from './booking-resize.service.ts';
import { registerBookingRoutes } from './booking.routes.ts';
import type { BookingServices } from './booking-services.ts';
import { createConfirmPaidJob, paymentConfirmationSubscriber } from './payment-confirmation.subscriber.ts';
import { registerSetupStatusRoutes } from './setup-status.routes.ts';
import { SetupStatusService } from './setup-status.ts';
import { VerificationService } from './verification.service.ts';
import { registerWaitlistRoutes } from './waitlist.routes.ts';
import { createWaitlistOfferExpiryJob, WaitlistService } from './waitlist.service.ts';

export type { BookingDeps, BookingMessagesPort } from './booking-deps.ts';
export type { SetupFactsPort } from './setup-status.ts';
export type { BookingView } from './booking.schemas.ts';
export { createCustomerBookings } from './customer-bookings.service.ts';
export { deriveLinkKey, linkKeyFrom, manageUrl, signManageToken, verifyManageToken } from './manage-link.ts';
export { bookingPaymentFacts } from './booking-payment-facts.ts';
export { bookingNumbersOf } from './booking-numbers.ts';
export { bookingFactsSource, bookingPlacesSource } from './booking-facts.ts';
export { BOOKING_EVENTS, bookingEvents, type BookingEventPayload } from './booking.events.ts';
export { seedDemoBookings } from './booking.seed.ts';
export { BOOKING_INCONSISTENCY_KINDS, type BookingInconsistency, type BookingInconsistencyKind, type BookingRepair } from './booking-consistency.ts';

/**
 * The consistency check support runs from the platform console (RF6.2): what disagrees among a
 * tenant's bookings, their occupancy and their payments, and the repair of one booking (in the
 * caller's transaction, idempotent) of what is safe to repair.
 */
export interface BookingConsistency {
  find(executor: Executor, tenantId: string): Promise<BookingInconsistency[]>;
  repair(trx: Trx, tenantId: string, bookingId: string): Promise<BookingRepair[]>;
}

export interface BookingModule {
  services: BookingServices;
  registerRoutes(api: ApiRouter): void;
  /** Booking's part in customers' export, erasure (future bookings cancelled, notes stripped) and merges. */
  customerData: CustomerDataHolder;
  jobs: JobDefinition[];
  subscribers: EventSubscriber[];
  consistency: BookingConsistency;
}

export function createBookingModule(deps: BookingDeps): BookingModule {
  const verification = new VerificationService(deps);
  const create = new BookingCreateService(deps, verification);
  const waitlist = new WaitlistService(deps, create);
  // A freed slot is offered to the waitlist in the transaction that freed it: wired here, once, at construction.
  const reactions = { onSlotFreed: (trx: Trx, tenantId: string, slot: FreedSlot) => waitlist.offerFreedSlot(trx, tenantId, slot) };
  const actions = new BookingActionsService(deps, reactions);
  const query = new BookingQueryService(deps);
  const manage = new BookingManageService(deps, actions, query);
  const services: BookingServices = { create, actions, resize: new BookingResizeService(deps, reactions), query, manage, verification, waitlist };
  const setup = new SetupStatusService({ db: deps.db, facts: deps.setupFacts, now: deps.now });
  return {
    services,
    registerRoutes(api) {
      registerBookingRoutes(api, services);
      registerWaitlistRoutes(api, services);
      registerSetupStatusRoutes(api, setup);
    },
    customerData: {
      contributors: [bookingsContributor(), waitlistContributor(waitlist)],
      erasureParticipants: [bookingsErasureParticipant(actions), waitlistErasureParticipant(waitlist)],
      mergeParticipants: [bookingsMergeParticipant(), waitlistMergeParticipant(waitlist)],
    },
    jobs: [createBookingExpiryJob(actions), createConfirmPaidJob(actions), createWaitlistOfferExpiryJob(waitlist)],
    subscribers: [paymentConfirmationSubscriber()],
    consistency: {
      find: findBookingInconsistencies,
      repair: (trx, tenantId, bookingId) => repairBookingConsistency(trx, deps.occupancy, tenantId, bookingId),
    },
  };
}
