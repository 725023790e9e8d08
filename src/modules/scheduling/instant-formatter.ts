import { Temporal } from 'temporal-polyfill';
import { formatInstant } from './slot-engine.ts';

const MS_PER_HOUR = 3_600_000;
const MS_PER_MINUTE = 60_000;
/** Offsets are looked up once per bucket of this length and reused when they agree at both ends. */
const BUCKET_MS = 24 * MS_PER_HOUR;

function offsetMsAt(epochMs: number, timeZone: string): number {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone).offsetNanoseconds / 1_000_000;
}

function offsetText(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.abs(offsetMs) / MS_PER_MINUTE;
  return `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * A formatter that prints exactly what {@link formatInstant} prints, for many
 * instants in one zone, without a Temporal conversion per instant (those cost
 * ~30 µs each, which a month of slots for ten resources turns into most of a
 * request's time).
 *
 * The zone's offset is looked up at both ends of each 24-hour (UTC) bucket; when they
 * agree the whole bucket uses it (time-zone transitions are at least months apart,
 * so a bucket with two transitions that cancel out does not occur in tzdata). A
 * bucket with a transition, an offset that is not whole minutes (local mean time
 * before 1900) or a year outside 0000–9999 falls back to `formatInstant`.
 */
export function createInstantFormatter(timeZone: string): (epochMs: number) => string {
  const offsets = new Map<number, number | null>();
  const bucketOffset = (bucket: number): number | null => {
    let offset = offsets.get(bucket);
    if (offset === undefined) {
      const atStart = offsetMsAt(bucket * BUCKET_MS, timeZone);
      const atEnd = offsetMsAt((bucket + 1) * BUCKET_MS - 1, timeZone);
      offset = atStart === atEnd && atStart % MS_PER_MINUTE === 0 ? atStart : null;
      offsets.set(bucket, offset);
    }
    return offset;
  };
  // Slots share instants (one's end is the next one's start): print each once.
  const printed = new Map<number, string>();
  return (epochMs) => {
    const known = printed.get(epochMs);
    if (known !== undefined) return known;
    const text = format(epochMs);
    printed.set(epochMs, text);
    return text;
  };

  function format(epochMs: number): string {
    const offset = bucketOffset(Math.floor(epochMs / BUCKET_MS));
    if (offset === null) return formatInstant(epochMs, timeZone);
    const local = new Date(Math.floor((epochMs + offset) / 1000) * 1000).toISOString();
    // 'YYYY-MM-DDTHH:MM:SS.sssZ' is 24 characters only for years 0000–9999.
    if (local.length !== 24) return formatInstant(epochMs, timeZone);
    return `${local.slice(0, 19)}${offsetText(offset)}`;
  }
}
