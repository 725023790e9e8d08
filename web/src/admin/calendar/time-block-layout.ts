import { columnKey } from './calendar-layout.ts';
import { MINUTES_PER_DAY, zonedMinute } from './calendar-time.ts';
import type { TimeBlock } from './use-time-blocks.ts';

/** A block on a column: its wall-clock minutes there (a block running past midnight is cut at the day's end). */
export interface PlacedBlock {
  block: TimeBlock;
  start: number;
  end: number;
}

/** The blocks of the visible columns, by column key, in the location's zone. */
export function placeBlocks(blocks: readonly TimeBlock[], zone: string, columns: ReadonlySet<string>): Map<string, PlacedBlock[]> {
  const placed = new Map<string, PlacedBlock[]>();
  for (const block of blocks) {
    const from = zonedMinute(block.starts_at, zone);
    const to = zonedMinute(block.ends_at, zone);
    const key = columnKey(block.resource_id, from.date);
    if (!columns.has(key)) continue;
    const end = to.date === from.date ? to.minute : MINUTES_PER_DAY;
    placed.set(key, [...(placed.get(key) ?? []), { block, start: from.minute, end }]);
  }
  return placed;
}
