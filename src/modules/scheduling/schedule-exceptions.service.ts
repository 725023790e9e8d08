import { withTenant } from '../../platform/db/tenant-context.ts';
import type { Db } from '../../platform/db/database.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import { AppError, notFound, validationError, type FieldIssue } from '../../platform/http/errors.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import { resourceExists } from '../catalog/index.ts';
import type { AvailabilityVersions } from './availability-versions.ts';
import { timeSlotIssues } from './schedule-rules.ts';
import type { ExceptionCreate, ExceptionListQuery, ExceptionUpdate, ExceptionView } from './schedules.schemas.ts';
import type { ExceptionRow, ExceptionValues, ScheduleExceptionsRepository } from './schedule-exceptions.repository.ts';

export interface ScheduleExceptionsServiceDeps {
  db: Db;
  exceptions: ScheduleExceptionsRepository;
  versions: AvailabilityVersions;
}

export function toExceptionView(row: ExceptionRow): ExceptionView {
  return {
    id: row.id,
    resource_id: row.resource_id,
    exception_date: row.exception_date,
    type: row.type,
    custom_hours: row.custom_hours,
    reason: row.reason,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** `custom_hours` exactly when the type is custom_hours, and valid wall-clock ranges. */
function checked(values: ExceptionValues): ExceptionValues {
  const issues: FieldIssue[] = [];
  if (values.type === 'custom_hours') {
    if (values.custom_hours === null) issues.push({ field: 'body.custom_hours', message: 'custom_hours is required for type custom_hours' });
    else issues.push(...timeSlotIssues(values.custom_hours, 'body.custom_hours'));
  } else if (values.custom_hours !== null) {
    issues.push({ field: 'body.custom_hours', message: `custom_hours only goes with type custom_hours, not ${values.type}` });
  }
  if (issues.length > 0) throw validationError(issues);
  return values;
}

export class ScheduleExceptionsService {
  readonly #deps: ScheduleExceptionsServiceDeps;

  constructor(deps: ScheduleExceptionsServiceDeps) {
    this.#deps = deps;
  }

  async create(tenantId: string, createdBy: string | null, input: ExceptionCreate): Promise<ExceptionView> {
    const values = checked({
      exception_date: input.exception_date,
      type: input.type,
      custom_hours: input.custom_hours ?? null,
      reason: input.reason ?? null,
    });
    const row = await withTenant(this.#deps.db, tenantId, async (trx) => {
      if (!(await resourceExists(trx, tenantId, input.resource_id))) throw notFound('Resource');
      return this.#deps.exceptions.insert(trx, tenantId, input.resource_id, createdBy, values);
    });
    await this.#deps.versions.bumpResources(tenantId, [row.resource_id]);
    return toExceptionView(row);
  }

  async get(tenantId: string, id: string): Promise<ExceptionView> {
    const row = await withTenant(this.#deps.db, tenantId, (trx) => this.#deps.exceptions.findById(trx, tenantId, id));
    if (!row) throw notFound('Schedule exception');
    return toExceptionView(row);
  }

  /** `within`: only exceptions of these resources (a location-scoped member's); undefined for all. */
  async list(tenantId: string, query: ExceptionListQuery, within?: readonly string[]): Promise<{ items: ExceptionView[]; pagination: PaginationMeta }> {
    const position = decodeCursor(query.cursor);
    if (position !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(position.value)) {
      throw new AppError('INVALID_CURSOR', 'The cursor is not valid for this list');
    }
    const rows = await withTenant(this.#deps.db, tenantId, (trx) =>
      this.#deps.exceptions.list(trx, tenantId, {
        resourceId: query.resource_id,
        resourceIds: within,
        type: query.type,
        fromDate: query.from_date,
        toDate: query.to_date,
        after: position === undefined ? undefined : { date: position.value, id: position.id },
        limit: query.limit,
      }),
    );
    const page = toPage(rows, query.limit, (row) => ({ value: row.exception_date, id: row.id }));
    return { items: page.items.map(toExceptionView), pagination: page.pagination };
  }

  async update(tenantId: string, id: string, patch: ExceptionUpdate): Promise<ExceptionView> {
    const row = await withTenant(this.#deps.db, tenantId, async (trx) => {
      const current = await this.#deps.exceptions.findById(trx, tenantId, id);
      if (!current) throw notFound('Schedule exception');
      const type = patch.type ?? current.type;
      const values = checked({
        exception_date: patch.exception_date ?? current.exception_date,
        type,
        // Switching away from custom_hours drops the hours unless the client sent some.
        custom_hours:
          patch.custom_hours !== undefined ? patch.custom_hours : type === 'custom_hours' ? current.custom_hours : null,
        reason: patch.reason === undefined ? current.reason : patch.reason,
      });
      return this.#deps.exceptions.update(trx, tenantId, id, values);
    });
    if (!row) throw notFound('Schedule exception');
    await this.#deps.versions.bumpResources(tenantId, [row.resource_id]);
    return toExceptionView(row);
  }

  async remove(tenantId: string, id: string): Promise<void> {
    const row = await withTenant(this.#deps.db, tenantId, (trx) => this.#deps.exceptions.delete(trx, tenantId, id));
    if (!row) throw notFound('Schedule exception');
    await this.#deps.versions.bumpResources(tenantId, [row.resource_id]);
  }
}
