import type { Trx } from '../../platform/db/database.ts';
import type { Money } from '../../platform/money.ts';
import { depositFor, priceForSlot, type PricingTier, type ResourceType } from '../catalog/index.ts';
import { AvailabilityRepository } from './availability.repository.ts';
import { loadAvailability } from './availability.service.ts';

const MS_PER_DAY = 86_400_000;
const MS_PER_MINUTE = 60_000;
const repository = new AvailabilityRepository();

export interface SlotCheckInput {
  tenantId: string;
  serviceId: string;
  resourceId: string;
  /** The requested start instant. */
  start: Date;
  /** Overrides the service duration, as on `GET /availability`. */
  durationMinutes?: number | undefined;
  /** The clock; defaults to now. */
  now?: Date | undefined;
}

/** One resource to reserve for the booking (the delivering resource first, then one per required group). */
export interface SlotReservation {
  resourceId: string;
  /** `group` of the service's `required_resources`, or 'primary'. */
  group: string;
  /** Places the resource offers for this service: pass to `reserveOccupancy`. */
  capacity: number;
}

export type SlotCheck =
  | {
      bookable: true;
      start: Date;
      end: Date;
      /** Minutes of the service's buffers, for `reserveOccupancy`. */
      bufferBefore: number;
      bufferAfter: number;
      placesLeft: number;
      /** The delivering resource as it is now (its name and type go into the booking's snapshot). */
      resource: { id: string; name: string; type: ResourceType };
      timeZone: string;
      locationId: string;
      /** The price of the tier that applies at this start, or the service price. */
      price: Money;
      tier: PricingTier | null;
      /** Deposit due in minor units of `price.currency`. */
      deposit: number;
      reservations: SlotReservation[];
    }
  | {
      bookable: false;
      reason: 'service_unavailable' | 'resource_not_offered' | 'outside_hours' | 'too_soon' | 'too_far' | 'taken';
    };

function utcDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/**
 * Re-checks in the database, in the caller's transaction, that `start` is a slot
 * the availability engine offers for the service on the resource: inside working
 * hours (schedules, exceptions, closures), on the slot grid, within minimum
 * notice and maximum advance, and free at the moment of reading (free places,
 * and for two-resource services a free resource of every group). Reads the local
 * dates around `start` through the same `loadAvailability` as `GET /availability`.
 *
 * It does not lock: the booking then calls `reserveOccupancies` with
 * `reservations`, which serialises per resource and is the real guard.
 */
export async function isSlotBookable(trx: Trx, input: SlotCheckInput): Promise<SlotCheck> {
  const now = (input.now ?? new Date()).getTime();
  const start = input.start.getTime();
  // UTC dates one day either side cover the local date of `start` in any zone.
  const loaded = await loadAvailability(trx, repository, {
    tenantId: input.tenantId,
    serviceId: input.serviceId,
    resourceId: input.resourceId,
    from: utcDate(start - MS_PER_DAY),
    to: utcDate(start + MS_PER_DAY),
    durationMinutes: input.durationMinutes,
    now,
  });
  if (!loaded) return { bookable: false, reason: 'service_unavailable' };
  const resource = loaded.resources[0];
  if (!resource) return { bookable: false, reason: 'resource_not_offered' };

  const slot = resource.days.flatMap((day) => day.slots).find((candidate) => candidate.start === start);
  if (!slot) {
    const { timing } = loaded;
    if (start < now + timing.min_notice_minutes * MS_PER_MINUTE) return { bookable: false, reason: 'too_soon' };
    if (start > now + timing.max_advance_days * MS_PER_DAY) return { bookable: false, reason: 'too_far' };
    return { bookable: false, reason: 'outside_hours' };
  }
  if (!slot.available) return { bookable: false, reason: 'taken' };

  const { calendar } = resource;
  const { service, timing } = loaded;
  const tier = priceForSlot({ tiers: service.tiers, start, timeZone: calendar.timezone, locationId: calendar.location_id });
  const price = tier ? { amount: tier.base_price, currency: tier.currency } : service.price;
  const capacityOf = (resourceCapacity: number) => Math.min(service.capacity, resourceCapacity);
  return {
    bookable: true,
    start: new Date(slot.start),
    end: new Date(slot.end),
    bufferBefore: timing.buffer_before_minutes,
    bufferAfter: timing.buffer_after_minutes,
    placesLeft: slot.places_left,
    resource: { id: calendar.id, name: calendar.name, type: calendar.type },
    timeZone: calendar.timezone,
    locationId: calendar.location_id,
    price,
    tier,
    deposit: depositFor(tier ?? { deposit: service.deposit }, price.amount),
    reservations: [
      { resourceId: calendar.id, group: 'primary', capacity: capacityOf(calendar.capacity) },
      ...(slot.assignments ?? []).map((assignment) => ({
        resourceId: assignment.resourceId,
        group: assignment.group,
        capacity: capacityOf(loaded.capacities.get(assignment.resourceId) ?? 1),
      })),
    ],
  };
}
