import { formatInstant } from './slot-engine.ts';
import { MS_PER_DAY, dateOfEpochDay, offsetText, TWO_DIGITS, uniformOffsetAt } from './zone-days.ts';

const MS_PER_HOUR = 3_600_000;
const MS_PER_MINUTE = 60_000;
/** The earliest and latest local instants whose year has four digits (0000–9999). */
const MIN_LOCAL = -62_167_219_200_000; // 0000-01-01T00:00:00Z
const MAX_LOCAL = 253_402_300_800_000; // 10000-01-01T00:00:00Z

/**
 * An instant printed exactly as {@link formatInstant} prints it, without Temporal:
 * the zone's offset comes from a per-process memo of UTC days without a transition
 * (zone-days.ts), and the text is assembled from memoised dates and two-digit
 * tables. A UTC day that contains a transition, an offset that is not whole minutes
 * (local mean time before 1900) or a year outside 0000–9999 falls back to
 * `formatInstant`.
 */
export function formatInstantFast(epochMs: number, timeZone: string): string {
  const offset = uniformOffsetAt(timeZone, epochMs);
  if (offset === null || offset % MS_PER_MINUTE !== 0) return formatInstant(epochMs, timeZone);
  const local = epochMs + offset;
  if (local < MIN_LOCAL || local >= MAX_LOCAL) return formatInstant(epochMs, timeZone);
  const epochDay = Math.floor(local / MS_PER_DAY);
  const ms = local - epochDay * MS_PER_DAY;
  const hours = Math.floor(ms / MS_PER_HOUR);
  const minutes = Math.floor((ms - hours * MS_PER_HOUR) / MS_PER_MINUTE);
  const seconds = Math.floor((ms - hours * MS_PER_HOUR - minutes * MS_PER_MINUTE) / 1000);
  return `${dateOfEpochDay(epochDay)}T${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}${offsetText(offset)}`;
}

/**
 * A formatter that prints exactly what {@link formatInstant} prints, for many
 * instants in one zone (see {@link formatInstantFast}); instants printed before
 * are returned from a memo, since slots share them (one's end is the next one's start).
 */
export function createInstantFormatter(timeZone: string): (epochMs: number) => string {
  const printed = new Map<number, string>();
  return (epochMs) => {
    let text = printed.get(epochMs);
    if (text === undefined) {
      text = formatInstantFast(epochMs, timeZone);
      printed.set(epochMs, text);
    }
    return text;
  };
}
