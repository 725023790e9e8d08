import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.ts';
import { notFound } from '../../platform/http/errors.ts';

/**
 * Deletes a row, or archives it when other rows still refer to it (bookings,
 * allocations, services...). The delete runs under a savepoint so a foreign-key
 * refusal (23503) leaves the caller's transaction usable for the archive.
 *
 * @returns `deleted` or `archived`; throws NOT_FOUND when neither touched a row.
 */
export async function deleteOrArchive(
  trx: Trx,
  what: string,
  remove: () => Promise<number>,
  archive: () => Promise<number>,
): Promise<'deleted' | 'archived'> {
  await sql`savepoint catalog_delete`.execute(trx);
  try {
    const removed = await remove();
    await sql`release savepoint catalog_delete`.execute(trx);
    if (removed === 0) throw notFound(what);
    return 'deleted';
  } catch (error) {
    if (!isForeignKeyViolation(error)) throw error;
    await sql`rollback to savepoint catalog_delete`.execute(trx);
    const archived = await archive();
    if (archived === 0) throw notFound(what);
    return 'archived';
  }
}

function isForeignKeyViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '23503';
}

/** The API's date-time text for a stored instant. */
export function isoOf(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** Every IANA zone name the runtime knows (plus UTC, which the list omits on some builds). */
const KNOWN_TIME_ZONES: ReadonlySet<string> = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

/** Whether `zone` is an IANA time zone this runtime can compute in (canonical or alias). */
export function isTimeZone(zone: string): boolean {
  if (KNOWN_TIME_ZONES.has(zone)) return true;
  try {
    // Aliases (Europe/Kiev, US/Pacific) are valid IANA names missing from the canonical list.
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone.length > 0 && zone.includes('/');
  } catch {
    return false;
  }
}
