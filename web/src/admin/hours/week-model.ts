/**
 * The weekly schedule editor's model: for each ISO weekday (1 = Monday … 7 = Sunday) one or more
 * working blocks, each with breaks inside it. The API stores plain wall-clock ranges per weekday
 * (`time_slots: [{start, end, days}]`); a block minus its breaks is those ranges, so both ways are
 * lossless. Times are `HH:MM` in the location's zone; an end of `24:00` (midnight) is typed `00:00`.
 */

export interface WallRange {
  start: string;
  end: string;
}

export interface Block extends WallRange {
  /** A stable key for React lists (not sent). */
  key: string;
  breaks: Array<WallRange & { key: string }>;
}

export type Week = Record<number, Block[]>;

export interface TimeSlot extends WallRange {
  days: number[];
}

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** Gaps up to this long inside a day read as a break; longer ones as two blocks (morning and evening). */
const BREAK_MAX_MINUTES = 150;

let nextKey = 0;
export function newKey(): string {
  nextKey += 1;
  return `k${nextKey}`;
}

/** Minutes since midnight of `HH:MM`, `null` if malformed; an end of `00:00` or `24:00` is midnight after. */
export function minutesOf(text: string, isEnd = false): number | null {
  if (isEnd && (text === '24:00' || text === '00:00')) return 24 * 60;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** `HH:MM` of minutes since midnight (`24:00` for midnight after). */
export function wallOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function emptyWeek(): Week {
  return { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] };
}

/** The editor's week from a schedule's time slots (ranges of a day merged, short gaps as breaks). */
export function weekFromSlots(slots: readonly TimeSlot[]): Week {
  const week = emptyWeek();
  for (const day of WEEKDAYS) {
    const ranges = slots
      .filter((slot) => slot.days.includes(day))
      .map((slot) => ({ start: minutesOf(slot.start) ?? 0, end: minutesOf(slot.end, true) ?? 0 }))
      .filter((range) => range.end > range.start)
      .sort((a, b) => a.start - b.start);
    const merged: Array<{ start: number; end: number }> = [];
    for (const range of ranges) {
      const last = merged.at(-1);
      if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
      else merged.push({ ...range });
    }
    const blocks: Block[] = [];
    let previousEnd = -1;
    for (const range of merged) {
      const current = blocks.at(-1);
      if (current && range.start - previousEnd <= BREAK_MAX_MINUTES) {
        current.breaks.push({ key: newKey(), start: wallOf(previousEnd), end: wallOf(range.start) });
        current.end = wallOf(range.end);
      } else {
        blocks.push({ key: newKey(), start: wallOf(range.start), end: wallOf(range.end), breaks: [] });
      }
      previousEnd = range.end;
    }
    week[day] = blocks.map((block) => ({ ...block, end: block.end === '24:00' ? '00:00' : block.end }));
  }
  return week;
}

/** The working ranges of a day: each block minus its breaks, in minutes. Assumes a valid day. */
function dayRanges(blocks: readonly Block[]): Array<{ start: number; end: number }> {
  const ranges: Array<{ start: number; end: number }> = [];
  for (const block of blocks) {
    let cursor = minutesOf(block.start) ?? 0;
    const end = minutesOf(block.end, true) ?? 0;
    const breaks = block.breaks
      .map((pause) => ({ start: minutesOf(pause.start) ?? 0, end: minutesOf(pause.end, true) ?? 0 }))
      .sort((a, b) => a.start - b.start);
    for (const pause of breaks) {
      if (pause.start > cursor) ranges.push({ start: cursor, end: pause.start });
      cursor = Math.max(cursor, pause.end);
    }
    if (end > cursor) ranges.push({ start: cursor, end });
  }
  return ranges.sort((a, b) => a.start - b.start);
}

/** The API's time slots of a (valid) week: one slot per distinct range, with every weekday that has it. */
export function slotsFromWeek(week: Week): TimeSlot[] {
  const byRange = new Map<string, number[]>();
  for (const day of WEEKDAYS) {
    for (const range of dayRanges(week[day] ?? [])) {
      const key = `${wallOf(range.start)}-${wallOf(range.end)}`;
      byRange.set(key, [...(byRange.get(key) ?? []), day]);
    }
  }
  return [...byRange.entries()]
    .map(([key, days]) => {
      const [start = '', end = ''] = key.split('-');
      return { start, end, days };
    })
    .sort((a, b) => a.start.localeCompare(b.start) || (a.days[0] ?? 0) - (b.days[0] ?? 0));
}

/** The working ranges of one day as `HH:MM` pairs (for summaries). */
export function dayWallRanges(blocks: readonly Block[]): WallRange[] {
  return dayRanges(blocks).map((range) => ({ start: wallOf(range.start), end: wallOf(range.end) }));
}

export type IssueCode = 'required' | 'endBeforeStart' | 'overlap' | 'breakOutside' | 'breakOverlap' | 'breakFills';

/**
 * Problems of the week before it is sent, keyed by field path: `1.0.start` (Monday, first block),
 * `1.0.b0.end` (its first break). Empty when the week can be saved.
 */
export function weekIssues(week: Week): Map<string, IssueCode> {
  const issues = new Map<string, IssueCode>();
  for (const day of WEEKDAYS) {
    const blocks = week[day] ?? [];
    const spans: Array<{ start: number; end: number; index: number }> = [];
    blocks.forEach((block, index) => {
      const start = minutesOf(block.start);
      const end = minutesOf(block.end, true);
      if (start === null) issues.set(`${day}.${index}.start`, 'required');
      if (end === null) issues.set(`${day}.${index}.end`, 'required');
      if (start === null || end === null) return;
      if (end <= start) {
        issues.set(`${day}.${index}.end`, 'endBeforeStart');
        return;
      }
      spans.push({ start, end, index });
      const pauses: Array<{ start: number; end: number; index: number }> = [];
      block.breaks.forEach((pause, breakIndex) => {
        const path = `${day}.${index}.b${breakIndex}`;
        const from = minutesOf(pause.start);
        const to = minutesOf(pause.end, true);
        if (from === null) issues.set(`${path}.start`, 'required');
        if (to === null) issues.set(`${path}.end`, 'required');
        if (from === null || to === null) return;
        if (to <= from) issues.set(`${path}.end`, 'endBeforeStart');
        else if (from < start || to > end) issues.set(`${path}.start`, 'breakOutside');
        else if (from === start && to === end) issues.set(`${path}.start`, 'breakFills');
        else pauses.push({ start: from, end: to, index: breakIndex });
      });
      pauses.sort((a, b) => a.start - b.start);
      for (let position = 1; position < pauses.length; position += 1) {
        const current = pauses[position];
        const previous = pauses[position - 1];
        if (current && previous && current.start < previous.end) issues.set(`${day}.${index}.b${current.index}.start`, 'breakOverlap');
      }
      const covered = pauses.reduce((total, pause) => total + pause.end - pause.start, 0);
      if (pauses.length > 0 && covered >= end - start && !issues.has(`${day}.${index}.b0.start`)) issues.set(`${day}.${index}.b0.start`, 'breakFills');
    });
    spans.sort((a, b) => a.start - b.start);
    for (let position = 1; position < spans.length; position += 1) {
      const current = spans[position];
      const previous = spans[position - 1];
      if (current && previous && current.start < previous.end) issues.set(`${day}.${current.index}.start`, 'overlap');
    }
  }
  return issues;
}

/** Monday's blocks copied (new keys) to Tuesday … Friday. */
export function copyMondayToWeekdays(week: Week): Week {
  const monday = week[1] ?? [];
  const copy = () => monday.map((block) => ({ ...block, key: newKey(), breaks: block.breaks.map((pause) => ({ ...pause, key: newKey() })) }));
  return { ...week, 2: copy(), 3: copy(), 4: copy(), 5: copy() };
}

/** Whether two weeks send the same slots. */
export function sameWeek(a: Week, b: Week): boolean {
  return JSON.stringify(slotsFromWeek(a)) === JSON.stringify(slotsFromWeek(b));
}

/** A new block for a day: after the last one when there is room, else a usual working day. */
export function newBlock(blocks: readonly Block[]): Block {
  const lastEnd = Math.max(...blocks.map((block) => minutesOf(block.end, true) ?? 0), 0);
  if (blocks.length > 0 && lastEnd <= 20 * 60) {
    const start = lastEnd + 60;
    return { key: newKey(), start: wallOf(start), end: wallOf(Math.min(start + 180, 23 * 60 + 30)), breaks: [] };
  }
  return { key: newKey(), start: '09:00', end: '17:00', breaks: [] };
}

/** A one-hour break in the middle of a block (rounded to the half hour). */
export function newBreak(block: Block): WallRange & { key: string } {
  const start = minutesOf(block.start) ?? 9 * 60;
  const end = minutesOf(block.end, true) ?? 17 * 60;
  const length = Math.min(60, Math.max(15, Math.floor((end - start) / 3)));
  const middle = Math.round((start + (end - start) / 2 - length / 2) / 30) * 30;
  const from = Math.min(Math.max(start + 15, middle), end - length - 15);
  return { key: newKey(), start: wallOf(from), end: wallOf(from + length) };
}
