import type { RequiredResourceGroup } from '../catalog/index.ts';
import type { ResourceCalendar } from './availability.repository.ts';
import { multiResourceSlots, type ResourceAssignment } from './multi-resource.ts';
import { generateSlots, type ServiceTiming, type Slot } from './slot-engine.ts';
import { workingHoursForRange, type DayWorkingHours } from './working-hours.ts';

/** A slot of a resource, with the extra resources it would take for a two-resource service. */
export interface ComputedSlot extends Slot {
  /** One resource per required group (the first free one), when available; absent for one-resource services. */
  assignments?: ResourceAssignment[];
}

export interface ResourceDays {
  calendar: ResourceCalendar;
  /** Working hours per local date (for business hours). */
  hours: DayWorkingHours[];
  days: { date: string; slots: ComputedSlot[] }[];
}

export interface AvailabilityComputation {
  timing: ServiceTiming;
  requiredResources: readonly RequiredResourceGroup[];
  /** Resources that deliver the service and were asked for. */
  primaryIds: readonly string[];
  /** Every calendar loaded: the primary resources and, for two-resource services, the candidates. */
  calendars: readonly ResourceCalendar[];
  from: string;
  to: string;
  now: number;
}

// An exclusive allocation takes the whole resource whatever its capacity.
const EVERY_PLACE = Number.MAX_SAFE_INTEGER;

function resourceSlots(calendar: ResourceCalendar, input: AvailabilityComputation) {
  const hours = workingHoursForRange({
    schedules: calendar.schedules,
    exceptions: calendar.exceptions,
    closures: calendar.closures,
    timeZone: calendar.timezone,
    from: input.from,
    to: input.to,
  });
  const days = generateSlots({
    days: hours,
    service: input.timing,
    now: input.now,
    timeZone: calendar.timezone,
    resourceCapacity: calendar.capacity,
    busy: calendar.busy.map((busy) => (busy.exclusive ? { ...busy, places: EVERY_PLACE } : busy)),
  });
  return { hours, days };
}

function matchesGroup(candidate: ResourceCalendar, primary: ResourceCalendar, group: RequiredResourceGroup): boolean {
  return (
    candidate.id !== primary.id &&
    candidate.location_id === primary.location_id &&
    (group.type === undefined || candidate.type === group.type) &&
    (group.skills === undefined || group.skills.every((skill) => candidate.skills.includes(skill))) &&
    (group.resource_ids === undefined || group.resource_ids.includes(candidate.id))
  );
}

/**
 * Slots per resource and local date for a service. One-resource services: the
 * slot engine per resource. Two-resource services: each delivering resource's
 * slots intersected (multi-resource.ts) with, per required group, the slots of the
 * matching resources at its location; a start is available only when the resource
 * and one resource of every group are free.
 */
export function computeAvailability(input: AvailabilityComputation): ResourceDays[] {
  const byId = new Map(input.calendars.map((calendar) => [calendar.id, calendar]));
  const computed = new Map<string, ReturnType<typeof resourceSlots>>();
  const slotsOf = (calendar: ResourceCalendar) => {
    let result = computed.get(calendar.id);
    if (!result) {
      result = resourceSlots(calendar, input);
      computed.set(calendar.id, result);
    }
    return result;
  };

  const results: ResourceDays[] = [];
  for (const id of input.primaryIds) {
    const calendar = byId.get(id);
    if (!calendar) continue;
    const own = slotsOf(calendar);
    if (input.requiredResources.length === 0) {
      results.push({ calendar, hours: own.hours, days: own.days });
      continue;
    }
    const groups = input.requiredResources.map((group) => ({
      group,
      members: input.calendars.filter((candidate) => matchesGroup(candidate, calendar, group)).map((member) => ({
        id: member.id,
        days: slotsOf(member).days,
      })),
    }));
    const days = own.days.map((day, index) => {
      const combined = multiResourceSlots([
        { group: 'primary', resources: [{ resourceId: calendar.id, slots: day.slots }] },
        ...groups.map(({ group, members }) => ({
          group: group.label,
          resources: members.map((member) => ({ resourceId: member.id, slots: member.days[index]?.slots ?? [] })),
        })),
      ]);
      const placesLeft = new Map(day.slots.map((slot) => [slot.start, slot.places_left]));
      return {
        date: day.date,
        slots: combined.map((slot) => ({
          start: slot.start,
          end: slot.end,
          available: slot.available,
          places_left: slot.available ? (placesLeft.get(slot.start) ?? 0) : 0,
          assignments: slot.assignments.filter((assignment) => assignment.group !== 'primary'),
        })),
      };
    });
    results.push({ calendar, hours: own.hours, days });
  }
  return results;
}
