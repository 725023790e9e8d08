/**
 * Blocks of part of a day (a break, a meeting, training) that the front desk sets on a resource
 * from the calendar (issue 15). A schedule exception removes or replaces a whole local day, and
 * the availability statement reads exceptions by day, so a block is not one: it holds its time
 * through an allocation of its own in occupancy (`booking_id` = the block's id). Availability,
 * which reads allocations only, stops offering that time once the block commits, and the
 * no-overlap rule that keeps two bookings apart keeps bookings off the block too.
 *
 * A block over a booking is refused (409 `BLOCK_OVERLAPS_BOOKING`, naming the bookings): the
 * customer still expects to be seen, so the receptionist moves or cancels the booking first;
 * allowing it with a warning would leave a booking inside a break nobody resolves.
 */
import { sql, type Selectable } from 'kysely';
import type { Db, Trx } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { AppError, forbidden, notFound, validationError } from '../../platform/http/errors.ts';
import { resourceExists } from '../catalog/index.ts';
import type { Occupancy } from './occupancy.ts';
import { OccupancyRepository } from './occupancy.repository.ts';
import type { ResourceTimeBlocksTable } from './scheduling.tables.ts';
import type { TimeBlockCreate, TimeBlockListQuery, TimeBlockView } from './time-blocks.schemas.ts';

const MAX_BLOCK_MS = 24 * 3_600_000;
const MAX_RANGE_MS = 62 * 86_400_000;
const occupancyRepository = new OccupancyRepository();

type BlockRow = Selectable<ResourceTimeBlocksTable>;

function toView(row: BlockRow): TimeBlockView {
  return {
    id: row.id,
    resource_id: row.resource_id,
    starts_at: row.starts_at.toISOString(),
    ends_at: row.ends_at.toISOString(),
    reason: row.reason,
    note: row.note,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
  };
}

/** Staff who may change the bookings of a resource may block its time (receptionists, managers, owners; staff their own). */
function assertMayBlock(auth: AuthContext | null, resourceId: string): void {
  if (!auth?.can('update', 'Booking', { resource_id: resourceId })) throw forbidden('Only staff who may change bookings of this resource may block its time');
}

/** What already holds time in [start, end) on the resource, split into bookings and other blocks. */
async function overlapping(trx: Trx, tenantId: string, resourceId: string, start: Date, end: Date) {
  const result = await sql<{ holder_id: string; is_block: boolean }>`
    select distinct a.booking_id as holder_id, (b.id is not null) as is_block
    from allocations a
    left join resource_time_blocks b on b.tenant_id = a.tenant_id and b.id = a.booking_id
    where a.tenant_id = ${tenantId} and a.resource_id = ${resourceId} and a.active
      and a.occupied_end_ms >= ${start.getTime()}::bigint and a.occupied_start_ms <= ${end.getTime()}::bigint
      and a.occupied && tstzrange(${start}, ${end}, '[)')
    order by a.booking_id`.execute(trx);
  return {
    bookingIds: result.rows.filter((row) => !row.is_block).map((row) => row.holder_id),
    blockIds: result.rows.filter((row) => row.is_block).map((row) => row.holder_id),
  };
}

export class TimeBlocksService {
  readonly #db: Db;
  readonly #occupancy: Occupancy;

  constructor(deps: { db: Db; occupancy: Occupancy }) {
    this.#db = deps.db;
    this.#occupancy = deps.occupancy;
  }

  async create(tenantId: string, auth: AuthContext | null, input: TimeBlockCreate): Promise<TimeBlockView> {
    const start = new Date(input.starts_at);
    const end = new Date(input.ends_at);
    if (!(end.getTime() > start.getTime()) || end.getTime() - start.getTime() > MAX_BLOCK_MS) {
      throw validationError([{ field: 'ends_at', message: 'must be after starts_at and at most 24 hours later' }]);
    }
    assertMayBlock(auth, input.resource_id);
    return withTenant(this.#db, tenantId, async (trx) => {
      if (!(await resourceExists(trx, tenantId, input.resource_id))) throw notFound('Resource');
      // The lock reservations take, so no booking slips in between this check and the block's allocation.
      await occupancyRepository.lockResource(trx, tenantId, input.resource_id);
      const taken = await overlapping(trx, tenantId, input.resource_id, start, end);
      if (taken.bookingIds.length > 0 || taken.blockIds.length > 0) {
        const reason = taken.bookingIds.length > 0 ? 'overlaps_booking' : 'overlaps_block';
        throw new AppError(
          'BLOCK_OVERLAPS_BOOKING',
          reason === 'overlaps_booking' ? 'A booking is already at this time: move or cancel it first' : 'This time is already blocked',
          { reason, booking_ids: taken.bookingIds, block_ids: taken.blockIds },
        );
      }
      const row = await trx
        .insertInto('resource_time_blocks')
        .values({
          tenant_id: tenantId,
          resource_id: input.resource_id,
          starts_at: start,
          ends_at: end,
          reason: input.reason,
          note: input.note ?? null,
          created_by: auth?.userId ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.#occupancy.reserveOccupancy(trx, {
        tenantId,
        bookingId: row.id,
        resourceId: row.resource_id,
        start,
        end,
        bufferBefore: 0,
        bufferAfter: 0,
        places: 1,
        // Exclusive: no booking may share the time, whatever the resource's capacity.
        capacity: 1,
      });
      return toView(row);
    });
  }

  async list(tenantId: string, query: TimeBlockListQuery): Promise<TimeBlockView[]> {
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (!(to.getTime() > from.getTime()) || to.getTime() - from.getTime() > MAX_RANGE_MS) {
      throw validationError([{ field: 'to', message: 'must be after from and at most 62 days later' }]);
    }
    const rows = await withTenant(this.#db, tenantId, (trx) =>
      trx
        .selectFrom('resource_time_blocks')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('ends_at', '>', from)
        .where('starts_at', '<', to)
        .$if(query.resource_id !== undefined, (select) => select.where('resource_id', '=', query.resource_id ?? ''))
        .orderBy('starts_at')
        .orderBy('id')
        .limit(500)
        .execute(),
    );
    return rows.map(toView);
  }

  /** Removes the block and gives its time back to availability. */
  async remove(tenantId: string, auth: AuthContext | null, id: string): Promise<void> {
    await withTenant(this.#db, tenantId, async (trx) => {
      const row = await trx
        .selectFrom('resource_time_blocks')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw notFound('Time block');
      assertMayBlock(auth, row.resource_id);
      await this.#occupancy.releaseOccupancy(trx, { tenantId, bookingId: row.id });
      await trx.deleteFrom('resource_time_blocks').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    });
  }
}
