import { describe, expect, it } from 'vitest';
import { columnKey } from './calendar-layout.ts';
import { placeBlocks } from './time-block-layout.ts';
import type { TimeBlock } from './use-time-blocks.ts';

const ZONE = 'Europe/Madrid';

function block(id: string, resourceId: string, start: string, end: string): TimeBlock {
  return { id, resource_id: resourceId, starts_at: start, ends_at: end, reason: 'break', note: null, created_by: null, created_at: start };
}

describe('placing time blocks on the grid', () => {
  const columns = new Set([columnKey('marta', '2026-03-12'), columnKey('marta', '2026-03-13')]);

  it("puts a block on its resource's column at its wall-clock minutes in the location zone", () => {
    const placed = placeBlocks([block('a', 'marta', '2026-03-12T13:00:00Z', '2026-03-12T14:00:00Z')], ZONE, columns);
    expect(placed.get('marta|2026-03-12')).toMatchObject([{ start: 14 * 60, end: 15 * 60 }]);
  });

  it('cuts a block that runs past midnight at the end of its first day and leaves out columns not shown', () => {
    const placed = placeBlocks(
      [block('late', 'marta', '2026-03-12T22:00:00Z', '2026-03-13T01:00:00Z'), block('other', 'javier', '2026-03-12T09:00:00Z', '2026-03-12T10:00:00Z')],
      ZONE,
      columns,
    );
    expect(placed.get('marta|2026-03-12')).toMatchObject([{ start: 23 * 60, end: 24 * 60 }]);
    expect(placed.get('marta|2026-03-13')).toBeUndefined();
    expect([...placed.keys()]).toEqual(['marta|2026-03-12']);
  });
});
