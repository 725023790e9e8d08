import type { Slot } from './slot-engine.ts';

/** The slots of one resource for the service, as produced by `slotsForDay`. */
export interface ResourceSlots {
  resourceId: string;
  slots: readonly Slot[];
}

/**
 * A role the service needs filled by one resource, e.g. "therapist" or "room".
 * `resources` are in preference order: the first free one is used.
 */
export interface ResourceGroup {
  group: string;
  resources: readonly ResourceSlots[];
}

export interface ResourceAssignment {
  group: string;
  resourceId: string;
}

/** A start offered for a multi-resource service. */
export interface CombinedSlot {
  start: number;
  end: number;
  available: boolean;
  /** One resource per group, in group order, when available; empty otherwise. */
  assignments: ResourceAssignment[];
}

/**
 * Intersects the slots of several resource groups for a service that needs one resource
 * of each (a therapist plus a room).
 *
 * A start is listed when every group has at least one resource working then (the start
 * appears in its slots), and is available only when every group has at least one free
 * resource at that start; the first free resource of each group, in the given order, is
 * the one that would be booked. Starts are matched by instant, so all lists must come
 * from the same service and clock.
 *
 * @returns combined slots in increasing start order; none when `groups` is empty.
 * @throws RangeError when two resources disagree on the end of the same start, which
 * means their slots were computed for different services.
 */
export function multiResourceSlots(groups: readonly ResourceGroup[]): CombinedSlot[] {
  if (groups.length === 0) return [];

  // Per group: start -> first free resource (or null when every working resource is busy).
  const endByStart = new Map<number, number>();
  const groupChoices = groups.map((group) => {
    const choice = new Map<number, string | null>();
    for (const resource of group.resources) {
      for (const slot of resource.slots) {
        const knownEnd = endByStart.get(slot.start);
        if (knownEnd !== undefined && knownEnd !== slot.end) {
          throw new RangeError(
            `resource ${resource.resourceId} ends the slot starting ${slot.start} at ${slot.end}, another resource at ${knownEnd}`,
          );
        }
        endByStart.set(slot.start, slot.end);
        if (!choice.has(slot.start) || (choice.get(slot.start) === null && slot.available)) {
          choice.set(slot.start, slot.available ? resource.resourceId : null);
        }
      }
    }
    return { group: group.group, choice };
  });

  const combined: CombinedSlot[] = [];
  const candidates = [...endByStart.entries()].sort(([a], [b]) => a - b);
  for (const [start, end] of candidates) {
    if (!groupChoices.every(({ choice }) => choice.has(start))) continue;
    const assignments: ResourceAssignment[] = [];
    for (const { group, choice } of groupChoices) {
      const resourceId = choice.get(start);
      if (resourceId === null || resourceId === undefined) break;
      assignments.push({ group, resourceId });
    }
    const available = assignments.length === groups.length;
    combined.push({ start, end, available, assignments: available ? assignments : [] });
  }
  return combined;
}
