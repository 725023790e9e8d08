import { Temporal } from 'temporal-polyfill';

/**
 * Local days of IANA zones, computed once per (zone, date) with Temporal and
 * memoised for the life of the process, so that availability does its per-slot
 * work in epoch-millisecond arithmetic. A Temporal conversion in the polyfill
 * costs ~10–100 µs; availability for a week of ten resources used to make
 * thousands of them per request.
 *
 * A day is treated as "uniform" only when Temporal shows one offset throughout
 * it (see `sameOffsetThroughout`); any other day (a DST change, a skipped
 * midnight) is left to Temporal by the callers.
 */

export const MS_PER_MINUTE = 60_000;
export const MS_PER_DAY = 86_400_000;
const MINUTES_PER_DAY = 1440;

/** One local date of a zone. */
export interface LocalDay {
  /** Days since 1970-01-01 of the local date. */
  readonly epochDay: number;
  /** `YYYY-MM-DD`. */
  readonly date: string;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  /** First instant of the date (Temporal's start of day), epoch ms. */
  readonly start: number;
  /** First instant of the next date, epoch ms. */
  readonly end: number;
  /**
   * The zone's offset (ms) throughout `[start, end)` when the day starts at local
   * 00:00 and contains no transition; then wall minute `m` of the day is the instant
   * `start + m·60 000`. Null for any other day.
   */
  readonly offset: number | null;
}

/** Memo size per zone and overall; past it the memo starts again (entries are cheap to recompute). */
const MAX_DAYS_PER_ZONE = 4096;
const MAX_ZONES = 1024;

const dayStarts = new Map<string, Map<number, number>>();
const localDays = new Map<string, Map<number, LocalDay>>();
const dateTexts = new Map<number, string>();

function zoneMemo<V>(memo: Map<string, Map<number, V>>, timeZone: string): Map<number, V> {
  let byDay = memo.get(timeZone);
  if (byDay === undefined || byDay.size >= MAX_DAYS_PER_ZONE) {
    if (memo.size >= MAX_ZONES) memo.clear();
    byDay = new Map();
    memo.set(timeZone, byDay);
  }
  return byDay;
}

/** `YYYY-MM-DD` of an epoch day, as `Temporal.PlainDate#toString` prints it (memoised). */
export function dateOfEpochDay(epochDay: number): string {
  let text = dateTexts.get(epochDay);
  if (text === undefined) {
    const iso = new Date(epochDay * MS_PER_DAY).toISOString();
    // 'YYYY-MM-DDT00:00:00.000Z' is 24 characters only for years 0000–9999.
    text = iso.length === 24 ? iso.slice(0, 10) : plainDateOf(epochDay).toString();
    if (dateTexts.size >= 100_000) dateTexts.clear();
    dateTexts.set(epochDay, text);
  }
  return text;
}

/** ISO weekday of an epoch day (1970-01-01 was a Thursday). */
export function weekdayOfEpochDay(epochDay: number): number {
  return ((((epochDay + 3) % 7) + 7) % 7) + 1;
}

const CANONICAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Epoch day of a local date. Canonical `YYYY-MM-DD` is read directly; anything
 * else goes through `Temporal.PlainDate.from`, which accepts the same inputs
 * as before and throws RangeError on malformed ones.
 */
export function epochDayOf(date: string): number {
  let epochDay = epochDays.get(date);
  if (epochDay === undefined) {
    epochDay = parseEpochDay(date);
    if (epochDays.size >= 10_000) epochDays.clear();
    epochDays.set(date, epochDay);
  }
  return epochDay;
}

const epochDays = new Map<string, number>();

function parseEpochDay(date: string): number {
  const match = CANONICAL_DATE.exec(date);
  if (match) {
    const year = Number(match[1]);
    const month = Number(match[2]);
    const day = Number(match[3]);
    if (year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 31) {
      const ms = Date.UTC(year, month - 1, day);
      // Date.UTC maps 0–99 to 1900–1999 and rolls invalid days over: check both.
      const check = new Date(ms);
      if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day) {
        return ms / MS_PER_DAY;
      }
    }
  }
  const plain = Temporal.PlainDate.from(date);
  return plain.since(new Temporal.PlainDate(1970, 1, 1), { largestUnit: 'days' }).days;
}

/** A local date normalised to `YYYY-MM-DD` (what `Temporal.PlainDate.from(date).toString()` prints). */
export function normaliseDate(date: string): string {
  return CANONICAL_DATE.test(date) ? dateOfEpochDay(epochDayOf(date)) : Temporal.PlainDate.from(date).toString();
}

function plainDateOf(epochDay: number): Temporal.PlainDate {
  const utc = new Date(epochDay * MS_PER_DAY);
  const year = utc.getUTCFullYear();
  if (year >= 0 && year <= 9999) return new Temporal.PlainDate(year, utc.getUTCMonth() + 1, utc.getUTCDate());
  return new Temporal.PlainDate(1970, 1, 1).add({ days: epochDay });
}

/** Temporal's start of the local date, epoch ms (memoised). */
function dayStart(timeZone: string, epochDay: number): number {
  const memo = zoneMemo(dayStarts, timeZone);
  let start = memo.get(epochDay);
  if (start === undefined) {
    start = plainDateOf(epochDay).toZonedDateTime({ timeZone }).epochMilliseconds;
    memo.set(epochDay, start);
  }
  return start;
}

/**
 * The local day `epochDay` of `timeZone` (memoised per process).
 *
 * @throws RangeError for an unknown time zone.
 */
export function localDay(timeZone: string, epochDay: number): LocalDay {
  const memo = zoneMemo(localDays, timeZone);
  let day = memo.get(epochDay);
  if (day !== undefined) return day;
  const start = dayStart(timeZone, epochDay);
  const end = dayStart(timeZone, epochDay + 1);
  const offsetMs = offsetMsAt(timeZone, start);
  let offset: number | null = null;
  // Uniform: the day starts at local 00:00 of this very date, lasts 24 h and shows one
  // offset throughout (a transition exactly at `end` changes only the next day's clock).
  if (start + offsetMs === epochDay * MS_PER_DAY && end - start === MS_PER_DAY && sameOffsetThroughout(timeZone, start, end, offsetMs)) {
    offset = offsetMs;
  }
  day = { epochDay, date: dateOfEpochDay(epochDay), weekday: weekdayOfEpochDay(epochDay), start, end, offset };
  memo.set(epochDay, day);
  return day;
}

/**
 * The instant of wall minute `minutes` (0–1440) of a local day: 0 is the day's
 * start and 1440 the next day's start whatever the clock reads; any other wall
 * time resolves with `disambiguation: 'compatible'` (a skipped time moves forward
 * by the gap, a repeated one takes its first occurrence). Arithmetic on uniform
 * days, Temporal otherwise.
 */
export function wallMinuteToEpoch(timeZone: string, day: LocalDay, minutes: number): number {
  if (minutes === 0) return day.start;
  if (minutes === MINUTES_PER_DAY) return day.end;
  if (day.offset !== null) return day.start + minutes * MS_PER_MINUTE;
  const time = new Temporal.PlainTime(Math.floor(minutes / 60), minutes % 60);
  return plainDateOf(day.epochDay).toPlainDateTime(time).toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
}

function offsetMsAt(timeZone: string, epochMs: number): number {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone).offsetNanoseconds / 1_000_000;
}

/**
 * Whether the zone shows `offsetMs` throughout `[start, end)`, a span of at most a day,
 * judged from its offsets at the start, the middle and the last millisecond. Exact
 * because two transitions never fall within a day of each other: in the tzdata that
 * ICU ships, consecutive transitions of every zone are at least 7 days apart (checked
 * from 1850 to 2100), and the polyfill behind Temporal itself samples offsets 19 days
 * apart and sees at most one transition between two samples. (`getTimeZoneTransition`
 * would say the same, but searches up to years ahead in zones without DST: ~1–4 ms.)
 */
function sameOffsetThroughout(timeZone: string, start: number, end: number, offsetMs: number): boolean {
  return offsetMsAt(timeZone, end - 1) === offsetMs && offsetMsAt(timeZone, start + Math.floor((end - start) / 2)) === offsetMs;
}

const BUCKET_MS = MS_PER_DAY;
const bucketOffsets = new Map<string, Map<number, number | null>>();

/**
 * The zone's offset (ms) at `epochMs` when it is the same throughout the UTC day
 * that contains it (memoised per process); null when that UTC day contains a transition.
 */
export function uniformOffsetAt(timeZone: string, epochMs: number): number | null {
  const bucket = Math.floor(epochMs / BUCKET_MS);
  const memo = zoneMemo(bucketOffsets, timeZone);
  let offset = memo.get(bucket);
  if (offset === undefined) {
    const bucketStart = bucket * BUCKET_MS;
    const atStart = offsetMsAt(timeZone, bucketStart);
    offset = sameOffsetThroughout(timeZone, bucketStart, bucketStart + BUCKET_MS, atStart) ? atStart : null;
    memo.set(bucket, offset);
  }
  return offset;
}

/** Two-digit texts 00–99. */
export const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

const offsetTexts = new Map<number, string>();

/** `±HH:MM` of a whole-minute offset in ms (UTC prints `+00:00`). */
export function offsetText(offsetMs: number): string {
  let text = offsetTexts.get(offsetMs);
  if (text === undefined) {
    const sign = offsetMs < 0 ? '-' : '+';
    const minutes = Math.abs(offsetMs) / MS_PER_MINUTE;
    text = `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${TWO_DIGITS[minutes % 60]}`;
    offsetTexts.set(offsetMs, text);
  }
  return text;
}
