import { Temporal } from 'temporal-polyfill';
import type { Money } from '../../platform/money.ts';
import { priceForSlot, type PricingTier, type ServiceSnapshot } from '../catalog/index.ts';
import type { ResourceCalendar } from './availability.repository.ts';
import type { ResourceDays } from './availability-engine.ts';
import type { AvailabilityView } from './availability.schemas.ts';
import { formatInstantFast } from './instant-formatter.ts';
import type { ServiceTiming } from './slot-engine.ts';
import { mergeIntervals, type Interval } from './working-hours.ts';
import { MS_PER_DAY, MS_PER_MINUTE, uniformOffsetAt, weekdayOfEpochDay } from './zone-days.ts';

/** What the answer is rendered from (a subset of `LoadedAvailability`). */
export interface RenderInput {
  service: ServiceSnapshot;
  timing: ServiceTiming;
  resources: readonly ResourceDays[];
}

const quote = (text: string): string => JSON.stringify(text);

/**
 * Prints instants of one zone (as `formatInstant` does), each once: slots share
 * instants (one's end is the next one's start) and so do resources of one location.
 */
function instantPrinter(timeZone: string): (epochMs: number) => string {
  const printed = new Map<number, string>();
  return (epochMs) => {
    let text = printed.get(epochMs);
    if (text === undefined) {
      // Quoted once here, so the JSON below is plain concatenation.
      text = `"${formatInstantFast(epochMs, timeZone)}"`;
      printed.set(epochMs, text);
    }
    return text;
  };
}

/**
 * The `price` JSON of each slot of one resource: `priceForSlot` decides, but its
 * answer depends only on the local weekday and minute of the start, the location and
 * which tiers are valid at the start, so it is asked once per distinct combination
 * instead of once per slot (each call converts the instant with Temporal).
 */
function slotPricer(service: ServiceSnapshot, calendar: ResourceCalendar): (start: number) => string {
  const { tiers } = service;
  const texts = new Map<PricingTier | null, string>();
  const textOf = (tier: PricingTier | null): string => {
    let text = texts.get(tier);
    if (text === undefined) {
      const price: Money = tier ? { amount: tier.base_price, currency: tier.currency } : service.price;
      text = JSON.stringify(price);
      texts.set(tier, text);
    }
    return text;
  };
  const bounds = tiers.map((tier) => ({
    from: tier.valid_from === null ? -Infinity : Temporal.Instant.from(tier.valid_from).epochMilliseconds,
    until: tier.valid_until === null ? Infinity : Temporal.Instant.from(tier.valid_until).epochMilliseconds,
  }));
  const byContext = new Map<string, string>();
  const exact = (start: number): string =>
    textOf(priceForSlot({ tiers, start, timeZone: calendar.timezone, locationId: calendar.location_id }));
  return (start) => {
    const offset = uniformOffsetAt(calendar.timezone, start);
    if (offset === null) return exact(start);
    const local = start + offset;
    const epochDay = Math.floor(local / MS_PER_DAY);
    const minute = Math.floor((local - epochDay * MS_PER_DAY) / MS_PER_MINUTE);
    let key = `${weekdayOfEpochDay(epochDay)}:${minute}:`;
    for (const { from, until } of bounds) key += from <= start && start < until ? '1' : '0';
    let text = byContext.get(key);
    if (text === undefined) {
      text = exact(start);
      byContext.set(key, text);
    }
    return text;
  };
}

/**
 * The availability answer (`AvailabilityView`) as JSON text, built by hand: the
 * answer for a week of ten resources holds ~1,000 slots, and building objects for
 * them only to have JSON.stringify walk them again was a large share of a request.
 * Prints exactly what `JSON.stringify(view)` prints for the same view (same keys, same
 * order; `availability-view.test.ts` checks it against the object-building reference).
 */
export function renderAvailability(loaded: RenderInput): string {
  const { service, timing } = loaded;
  const priced = service.tiers.length > 0;
  const showPlaces = loaded.resources.some((resource) => Math.min(service.capacity, resource.calendar.capacity) > 1);
  const printers = new Map<string, (epochMs: number) => string>();
  const printerFor = (timeZone: string) => {
    let print = printers.get(timeZone);
    if (print === undefined) {
      print = instantPrinter(timeZone);
      printers.set(timeZone, print);
    }
    return print;
  };
  const hoursByLocation = new Map<string, { timezone: string; byDate: Map<string, Interval[]> }>();

  let out =
    `{"service":{"id":${quote(service.id)},"name":${quote(service.name)},` +
    `"duration_minutes":${timing.duration_minutes},"buffer_before_minutes":${timing.buffer_before_minutes},` +
    `"buffer_after_minutes":${timing.buffer_after_minutes},"slot_interval_minutes":${timing.slot_interval_minutes},` +
    `"capacity":${timing.capacity},"min_notice_minutes":${timing.min_notice_minutes},` +
    `"max_advance_days":${timing.max_advance_days},"price":${JSON.stringify(service.price)}},"resources":[`;

  let firstResource = true;
  for (const { calendar, hours, days } of loaded.resources) {
    const print = printerFor(calendar.timezone);
    let location = hoursByLocation.get(calendar.location_id);
    if (location === undefined) {
      location = { timezone: calendar.timezone, byDate: new Map() };
      hoursByLocation.set(calendar.location_id, location);
    }
    for (const day of hours) {
      const known = location.byDate.get(day.date);
      if (known === undefined) location.byDate.set(day.date, [...day.intervals]);
      else known.push(...day.intervals);
    }
    const price = priced ? slotPricer(service, calendar) : null;

    out +=
      `${firstResource ? '' : ','}{"resource":{"id":${quote(calendar.id)},"name":${quote(calendar.name)},` +
      `"type":${quote(calendar.type)},"location_id":${quote(calendar.location_id)}},"timezone":${quote(calendar.timezone)},"dates":[`;
    firstResource = false;
    let firstDay = true;
    for (const day of days) {
      out += `${firstDay ? '' : ','}{"date":${quote(day.date)},"slots":[`;
      firstDay = false;
      let firstSlot = true;
      for (const slot of day.slots) {
        out += `${firstSlot ? '' : ','}{"start_time":${print(slot.start)},"end_time":${print(slot.end)},"available":${slot.available ? 'true' : 'false'}`;
        firstSlot = false;
        if (showPlaces) out += `,"places_left":${slot.places_left}`;
        if (price !== null) out += `,"price":${price(slot.start)}`;
        out += '}';
      }
      out += ']}';
    }
    out += ']}';
  }

  out += '],"business_hours":[';
  let firstLocation = true;
  for (const [locationId, { timezone, byDate }] of hoursByLocation) {
    const print = printerFor(timezone);
    out += `${firstLocation ? '' : ','}{"location_id":${quote(locationId)},"timezone":${quote(timezone)},"dates":[`;
    firstLocation = false;
    let firstDate = true;
    for (const [date, intervals] of byDate) {
      out += `${firstDate ? '' : ','}{"date":${quote(date)},"hours":[`;
      firstDate = false;
      let firstHours = true;
      for (const interval of mergeIntervals(intervals)) {
        out += `${firstHours ? '' : ','}{"start_time":${print(interval.start)},"end_time":${print(interval.end)}}`;
        firstHours = false;
      }
      out += ']}';
    }
    out += ']}';
  }
  return `${out}]}`;
}

/** The answer as an object (for callers inside the process; the endpoint sends the text). */
export function parseAvailability(json: string): AvailabilityView {
  return JSON.parse(json) as AvailabilityView;
}
