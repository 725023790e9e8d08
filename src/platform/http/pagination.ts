import { z } from 'zod';
import { AppError } from './errors.ts';
import type { PaginationMeta } from './envelope.ts';

/** Query parameters every list endpoint accepts. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(512).optional(),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

/**
 * Keyset position: the sort value and the id of the last row returned. Opaque
 * to clients (base64url JSON) so the ordering can change without breaking them.
 */
export interface CursorPosition {
  value: string;
  id: string;
}

const positionSchema = z.object({ value: z.string(), id: z.string().uuid() });

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): CursorPosition | undefined {
  if (cursor === undefined) return undefined;
  try {
    return positionSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new AppError('INVALID_CURSOR', 'The cursor is not valid for this list');
  }
}

/** Keyset position `(created_at, id)` from an opaque cursor, for lists ordered by creation. */
export function createdAtCursor(cursor: string | undefined): { createdAt: Date; id: string } | undefined {
  const position = decodeCursor(cursor);
  if (position === undefined) return undefined;
  const createdAt = new Date(position.value);
  if (Number.isNaN(createdAt.getTime())) throw new AppError('INVALID_CURSOR', 'The cursor is not valid for this list');
  return { createdAt, id: position.id };
}

/**
 * Turns `limit + 1` fetched rows into one page: the extra row only tells that
 * more exist. `positionOf` gives the keyset position of a row.
 */
export function toPage<Row>(
  rows: Row[],
  limit: number,
  positionOf: (row: Row) => CursorPosition,
): { items: Row[]; pagination: PaginationMeta } {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return {
    items,
    pagination: { cursor: hasMore && last !== undefined ? encodeCursor(positionOf(last)) : null, has_more: hasMore },
  };
}
