import { Temporal } from 'temporal-polyfill';

/**
 * A VTIMEZONE component (RFC 5545 §3.6.5) for an IANA zone, built from the
 * runtime's time zone database: one STANDARD/DAYLIGHT observance per real
 * offset transition between `fromYear` and `toYear` (plus the one in force at
 * the start), each with its own DTSTART. Explicit transitions instead of
 * RRULEs: exact for zones whose rules changed, and every client reads them.
 */
export function buildVtimezone(zone: string, fromYear: number, toYear: number): string {
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  const rangeStart = Temporal.ZonedDateTime.from({ timeZone: zone, year: fromYear, month: 1, day: 1 });
  const rangeEnd = Temporal.ZonedDateTime.from({ timeZone: zone, year: toYear + 1, month: 1, day: 1 });

  const transitions: Temporal.ZonedDateTime[] = [];
  const before = rangeStart.getTimeZoneTransition('previous');
  if (before) transitions.push(before);
  let cursor: Temporal.ZonedDateTime | null = rangeStart;
  while (cursor !== null && transitions.length < 500) {
    const next: Temporal.ZonedDateTime | null = cursor.getTimeZoneTransition('next');
    if (next === null || Temporal.ZonedDateTime.compare(next, rangeEnd) >= 0) break;
    transitions.push(next);
    cursor = next;
  }

  if (transitions.length === 0) {
    // A fixed-offset zone (UTC, Asia/Tokyo, ...): one observance from the epoch.
    const offset = formatOffset(rangeStart.offsetNanoseconds);
    lines.push('BEGIN:STANDARD', 'DTSTART:19700101T000000', `TZOFFSETFROM:${offset}`, `TZOFFSETTO:${offset}`, 'END:STANDARD');
  } else {
    for (const transition of transitions) {
      const previousOffset = transition.subtract({ nanoseconds: 1 }).offsetNanoseconds;
      const newOffset = transition.offsetNanoseconds;
      const kind = newOffset > previousOffset ? 'DAYLIGHT' : 'STANDARD';
      // DTSTART is the local time of the transition as read in the offset before it.
      const localBefore = transition.toInstant().toZonedDateTimeISO('UTC').add({ nanoseconds: previousOffset }).toPlainDateTime();
      lines.push(
        `BEGIN:${kind}`,
        `DTSTART:${formatLocal(localBefore)}`,
        `TZOFFSETFROM:${formatOffset(previousOffset)}`,
        `TZOFFSETTO:${formatOffset(newOffset)}`,
        `END:${kind}`,
      );
    }
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}

function formatOffset(nanoseconds: number): string {
  const totalMinutes = Math.round(nanoseconds / 60_000_000_000);
  const sign = totalMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(totalMinutes);
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}${String(absolute % 60).padStart(2, '0')}`;
}

function formatLocal(value: Temporal.PlainDateTime): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(value.year, 4)}${pad(value.month)}${pad(value.day)}T${pad(value.hour)}${pad(value.minute)}${pad(value.second)}`;
}
