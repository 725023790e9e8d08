import { withTenant } from '../../platform/db/tenant-context.ts';
import type { Db } from '../../platform/db/database.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import { notFound, validationError } from '../../platform/http/errors.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import { resourceExists } from '../catalog/index.ts';
import type { AvailabilityVersions } from './availability-versions.ts';
import { scheduleIssues } from './schedule-rules.ts';
import type { ScheduleCreate, ScheduleListQuery, ScheduleUpdate, ScheduleView } from './schedules.schemas.ts';
import type { ScheduleRow, SchedulesRepository, ScheduleValues } from './schedules.repository.ts';

export interface SchedulesServiceDeps {
  db: Db;
  schedules: SchedulesRepository;
  versions: AvailabilityVersions;
}

export function toScheduleView(row: ScheduleRow): ScheduleView {
  return {
    id: row.id,
    resource_id: row.resource_id,
    name: row.name,
    start_date: row.start_date,
    end_date: row.end_date,
    recurrence_rule: row.recurrence_rule,
    time_slots: row.time_slots.map((slot) => ({ start: slot.start, end: slot.end, days: [...slot.days] })),
    is_active: row.is_active,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

function checked(values: ScheduleValues): ScheduleValues {
  const issues = scheduleIssues(values);
  if (issues.length > 0) throw validationError(issues);
  return values;
}

export class SchedulesService {
  readonly #deps: SchedulesServiceDeps;

  constructor(deps: SchedulesServiceDeps) {
    this.#deps = deps;
  }

  async create(tenantId: string, input: ScheduleCreate): Promise<ScheduleView> {
    const values = checked({
      name: input.name,
      start_date: input.start_date,
      end_date: input.end_date ?? null,
      recurrence_rule: input.recurrence_rule ?? null,
      time_slots: input.time_slots,
      is_active: input.is_active ?? true,
    });
    const row = await withTenant(this.#deps.db, tenantId, async (trx) => {
      if (!(await resourceExists(trx, tenantId, input.resource_id))) throw notFound('Resource');
      return this.#deps.schedules.insert(trx, tenantId, input.resource_id, values);
    });
    await this.#deps.versions.bumpResources(tenantId, [row.resource_id]);
    return toScheduleView(row);
  }

  async get(tenantId: string, id: string): Promise<ScheduleView> {
    const row = await withTenant(this.#deps.db, tenantId, (trx) => this.#deps.schedules.findById(trx, tenantId, id));
    if (!row) throw notFound('Schedule');
    return toScheduleView(row);
  }

  /** `within`: only schedules of these resources (a location-scoped member's); undefined for all. */
  async list(tenantId: string, query: ScheduleListQuery, within?: readonly string[]): Promise<{ items: ScheduleView[]; pagination: PaginationMeta }> {
    const position = decodeCursor(query.cursor);
    const rows = await withTenant(this.#deps.db, tenantId, (trx) =>
      this.#deps.schedules.list(trx, tenantId, {
        resourceId: query.resource_id,
        resourceIds: within,
        isActive: query.is_active === undefined ? undefined : query.is_active === 'true',
        after: position === undefined ? undefined : { createdAt: new Date(position.value), id: position.id },
        limit: query.limit,
      }),
    );
    const page = toPage(rows, query.limit, (row) => ({ value: row.created_at.toISOString(), id: row.id }));
    return { items: page.items.map(toScheduleView), pagination: page.pagination };
  }

  async update(tenantId: string, id: string, patch: ScheduleUpdate): Promise<ScheduleView> {
    const row = await withTenant(this.#deps.db, tenantId, async (trx) => {
      const current = await this.#deps.schedules.findById(trx, tenantId, id);
      if (!current) throw notFound('Schedule');
      const values = checked({
        name: patch.name ?? current.name,
        start_date: patch.start_date ?? current.start_date,
        end_date: patch.end_date === undefined ? current.end_date : patch.end_date,
        recurrence_rule: patch.recurrence_rule === undefined ? current.recurrence_rule : patch.recurrence_rule,
        time_slots: patch.time_slots ?? current.time_slots,
        is_active: patch.is_active ?? current.is_active,
      });
      return this.#deps.schedules.update(trx, tenantId, id, values);
    });
    if (!row) throw notFound('Schedule');
    await this.#deps.versions.bumpResources(tenantId, [row.resource_id]);
    return toScheduleView(row);
  }

  async remove(tenantId: string, id: string): Promise<void> {
    const row = await withTenant(this.#deps.db, tenantId, (trx) => this.#deps.schedules.delete(trx, tenantId, id));
    if (!row) throw notFound('Schedule');
    await this.#deps.versions.bumpResources(tenantId, [row.resource_id]);
  }
}
