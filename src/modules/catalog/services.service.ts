import type { Executor } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import { notFound, validationError } from '../../platform/http/errors.ts';
import { createdAtCursor, toPage } from '../../platform/http/pagination.ts';
import type { Money } from '../../platform/money.ts';
import { cancellationPolicySchema, type CancellationPolicy } from './cancellation-policy.ts';
import type { BusinessLookupRepository } from './business-lookup.repository.ts';
import type { RequiredResourceGroup } from './catalog.tables.ts';
import type { CatalogDeps } from './catalog-deps.ts';
import { deleteOrArchive, isoOf } from './catalog-support.ts';
import type { CategoriesRepository } from './categories.repository.ts';
import { resolveBusinessId } from './locations.service.ts';
import { toServiceDeposit, toTierDeposit, type PricingTier, type PricingTierInput, type ServiceDeposit } from './pricing.ts';
import type { ResourcesRepository } from './resources.repository.ts';
import type { ServiceCreate, ServiceListQuery, ServiceUpdate, ServiceView } from './services.schemas.ts';
import type { ServiceRow, ServicesRepository, ServiceValues, TierRow } from './services.repository.ts';

export interface ServicesServiceDeps extends CatalogDeps {
  services: ServicesRepository;
  resources: ResourcesRepository;
  categories: CategoriesRepository;
  businesses: BusinessLookupRepository;
}

/**
 * Everything availability and booking need to know about a service, read in the
 * caller's transaction: timing, price, deposit, policy, who delivers it, what else
 * it occupies and its price tiers.
 */
export interface ServiceSnapshot {
  id: string;
  business_id: string;
  name: string;
  status: ServiceRow['status'];
  duration_minutes: number;
  buffer_before_minutes: number;
  buffer_after_minutes: number;
  capacity: number;
  /** Effective step: the stored one or the duration. */
  slot_interval_minutes: number;
  min_notice_minutes: number;
  max_advance_days: number;
  price: Money;
  deposit: ServiceDeposit;
  cancellation_policy: CancellationPolicy | null;
  resource_ids: string[];
  required_resources: RequiredResourceGroup[];
  tiers: PricingTier[];
}

export function toTierView(row: TierRow): PricingTier {
  return {
    id: row.id,
    name: row.name,
    base_price: row.base_price,
    currency: row.currency,
    deposit_type: row.deposit_type,
    deposit_value: row.deposit_value,
    is_default: row.is_default,
    conditions: row.conditions,
    valid_from: row.valid_from === null ? null : isoOf(row.valid_from),
    valid_until: row.valid_until === null ? null : isoOf(row.valid_until),
    priority: row.priority,
  };
}

function policyOf(row: ServiceRow): CancellationPolicy | null {
  // Stored only after validation; parsing again gives the precise type without a cast.
  return row.cancellation_policy === null ? null : cancellationPolicySchema.parse(row.cancellation_policy);
}

export function toServiceView(row: ServiceRow): ServiceView {
  return {
    id: row.id,
    business_id: row.business_id,
    category_id: row.category_id,
    name: row.name,
    description: row.description,
    duration_minutes: row.duration_minutes,
    buffer_before_minutes: row.buffer_before_minutes,
    buffer_after_minutes: row.buffer_after_minutes,
    capacity: row.capacity,
    slot_interval_minutes: row.slot_interval_minutes ?? row.duration_minutes,
    min_notice_minutes: row.min_notice_minutes,
    max_advance_days: row.max_advance_days,
    price: { amount: row.price_amount, currency: row.currency.trim() },
    cost_amount: row.cost_amount,
    deposit: toServiceDeposit({ deposit_type: row.deposit_type, deposit_value: row.deposit_value }),
    cancellation_policy: policyOf(row),
    resource_ids: row.resource_ids,
    required_resources: row.required_resources,
    settings: row.settings,
    status: row.status,
    created_at: isoOf(row.created_at),
    updated_at: isoOf(row.updated_at),
  };
}

function toValues(input: ServiceCreate | ServiceUpdate): ServiceValues {
  const values: ServiceValues = {};
  if (input.category_id !== undefined) values.category_id = input.category_id;
  if (input.name !== undefined) values.name = input.name;
  if (input.description !== undefined) values.description = input.description;
  if (input.duration_minutes !== undefined) values.duration_minutes = input.duration_minutes;
  if (input.buffer_before_minutes !== undefined) values.buffer_before_minutes = input.buffer_before_minutes;
  if (input.buffer_after_minutes !== undefined) values.buffer_after_minutes = input.buffer_after_minutes;
  if (input.capacity !== undefined) values.capacity = input.capacity;
  if (input.slot_interval_minutes !== undefined) values.slot_interval_minutes = input.slot_interval_minutes;
  if (input.min_notice_minutes !== undefined) values.min_notice_minutes = input.min_notice_minutes;
  if (input.max_advance_days !== undefined) values.max_advance_days = input.max_advance_days;
  if (input.price !== undefined) {
    values.price_amount = input.price.amount;
    values.currency = input.price.currency;
  }
  if (input.cost_amount !== undefined) values.cost_amount = input.cost_amount;
  if (input.deposit !== undefined) Object.assign(values, toTierDeposit(input.deposit));
  if (input.cancellation_policy !== undefined) values.cancellation_policy = input.cancellation_policy;
  if (input.required_resources !== undefined) values.required_resources = input.required_resources;
  if (input.settings !== undefined) values.settings = input.settings;
  if ('status' in input && input.status !== undefined) values.status = input.status;
  return values;
}

export class ServicesService {
  readonly #deps: ServicesServiceDeps;

  constructor(deps: ServicesServiceDeps) {
    this.#deps = deps;
  }

  async create(tenantId: string, input: ServiceCreate): Promise<ServiceView> {
    const { db, services, businesses } = this.#deps;
    const row = await withTenant(db, tenantId, async (trx) => {
      const businessId = await resolveBusinessId(businesses, trx, tenantId, input.business_id);
      await this.#checkReferences(trx, tenantId, input);
      const values = toValues(input);
      const id = await services.insert(trx, tenantId, businessId, {
        ...values,
        name: input.name,
        duration_minutes: input.duration_minutes,
        price_amount: input.price.amount,
        currency: input.price.currency,
      });
      await services.setResources(trx, tenantId, id, input.resource_ids);
      return services.findById(trx, tenantId, id);
    });
    if (!row) throw notFound('Service');
    await this.#deps.onCatalogChanged?.(tenantId);
    return toServiceView(row);
  }

  async get(tenantId: string, id: string): Promise<ServiceView> {
    const row = await withTenant(this.#deps.db, tenantId, (trx) => this.#deps.services.findById(trx, tenantId, id));
    if (!row) throw notFound('Service');
    return toServiceView(row);
  }

  async list(tenantId: string, query: ServiceListQuery): Promise<{ items: ServiceView[]; pagination: PaginationMeta }> {
    const rows = await withTenant(this.#deps.db, tenantId, (trx) =>
      this.#deps.services.list(trx, tenantId, {
        businessId: query.business_id,
        categoryId: query.category_id,
        resourceId: query.resource_id,
        status: query.status,
        search: query.search,
        after: createdAtCursor(query.cursor),
        limit: query.limit,
      }),
    );
    const page = toPage(rows, query.limit, (row) => ({ value: isoOf(row.created_at), id: row.id }));
    return { items: page.items.map(toServiceView), pagination: page.pagination };
  }

  async update(tenantId: string, id: string, patch: ServiceUpdate): Promise<ServiceView> {
    const { db, services } = this.#deps;
    const row = await withTenant(db, tenantId, async (trx) => {
      const current = await services.findById(trx, tenantId, id);
      if (!current) throw notFound('Service');
      await this.#checkReferences(trx, tenantId, patch);
      await services.update(trx, tenantId, id, toValues(patch));
      if (patch.resource_ids !== undefined) await services.setResources(trx, tenantId, id, patch.resource_ids);
      return services.findById(trx, tenantId, id);
    });
    if (!row) throw notFound('Service');
    await this.#deps.onCatalogChanged?.(tenantId);
    return toServiceView(row);
  }

  /** Deletes the service, or archives it when bookings refer to it. */
  async remove(tenantId: string, id: string): Promise<'deleted' | 'archived'> {
    const { db, services } = this.#deps;
    const outcome = await withTenant(db, tenantId, (trx) =>
      deleteOrArchive(
        trx,
        'Service',
        () => services.delete(trx, tenantId, id),
        () => services.archive(trx, tenantId, id),
      ),
    );
    await this.#deps.onCatalogChanged?.(tenantId);
    return outcome;
  }

  async listTiers(tenantId: string, serviceId: string): Promise<PricingTier[]> {
    const { db, services } = this.#deps;
    return withTenant(db, tenantId, async (trx) => {
      if (!(await services.findById(trx, tenantId, serviceId))) throw notFound('Service');
      return (await services.listTiers(trx, tenantId, serviceId)).map(toTierView);
    });
  }

  async addTier(tenantId: string, serviceId: string, tier: PricingTierInput): Promise<PricingTier> {
    const { db, services } = this.#deps;
    const row = await withTenant(db, tenantId, async (trx) => {
      await this.#checkTierCurrency(trx, tenantId, serviceId, tier);
      return services.insertTier(trx, tenantId, serviceId, tier);
    });
    await this.#deps.onCatalogChanged?.(tenantId);
    return toTierView(row);
  }

  async replaceTier(tenantId: string, serviceId: string, tierId: string, tier: PricingTierInput): Promise<PricingTier> {
    const { db, services } = this.#deps;
    const row = await withTenant(db, tenantId, async (trx) => {
      await this.#checkTierCurrency(trx, tenantId, serviceId, tier);
      return services.replaceTier(trx, tenantId, serviceId, tierId, tier);
    });
    if (!row) throw notFound('Price tier');
    await this.#deps.onCatalogChanged?.(tenantId);
    return toTierView(row);
  }

  async removeTier(tenantId: string, serviceId: string, tierId: string): Promise<void> {
    const removed = await withTenant(this.#deps.db, tenantId, (trx) => this.#deps.services.deleteTier(trx, tenantId, serviceId, tierId));
    if (removed === 0) throw notFound('Price tier');
    await this.#deps.onCatalogChanged?.(tenantId);
  }

  async #checkTierCurrency(executor: Executor, tenantId: string, serviceId: string, tier: PricingTierInput): Promise<void> {
    const service = await this.#deps.services.findById(executor, tenantId, serviceId);
    if (!service) throw notFound('Service');
    if (service.currency.trim() !== tier.currency) {
      throw validationError([{ field: 'body.currency', message: `Price tiers must be in the service's currency ${service.currency}` }]);
    }
  }

  async #checkReferences(executor: Executor, tenantId: string, input: ServiceCreate | ServiceUpdate): Promise<void> {
    const { categories, resources } = this.#deps;
    if (input.category_id !== undefined && input.category_id !== null) {
      if (!(await categories.findById(executor, tenantId, input.category_id))) throw notFound('Service category');
    }
    const referenced = [
      ...(input.resource_ids ?? []),
      ...(input.required_resources ?? []).flatMap((group) => group.resource_ids ?? []),
    ];
    const known = await resources.existingIds(executor, tenantId, referenced);
    if (referenced.some((id) => !known.has(id))) throw notFound('Resource');
  }
}

/**
 * The service as availability and booking see it, in the caller's transaction;
 * undefined when the tenant has no such service.
 */
export async function loadServiceSnapshot(
  repository: ServicesRepository,
  executor: Executor,
  tenantId: string,
  serviceId: string,
): Promise<ServiceSnapshot | undefined> {
  const found = await repository.findByIdWithTiers(executor, tenantId, serviceId);
  if (!found) return undefined;
  const { row, tiers } = found;
  const view = toServiceView(row);
  return {
    id: view.id,
    business_id: view.business_id,
    name: view.name,
    status: view.status,
    duration_minutes: view.duration_minutes,
    buffer_before_minutes: view.buffer_before_minutes,
    buffer_after_minutes: view.buffer_after_minutes,
    capacity: view.capacity,
    slot_interval_minutes: view.slot_interval_minutes,
    min_notice_minutes: view.min_notice_minutes,
    max_advance_days: view.max_advance_days,
    price: view.price,
    deposit: view.deposit,
    cancellation_policy: view.cancellation_policy,
    resource_ids: view.resource_ids,
    required_resources: row.required_resources,
    tiers: tiers.map(toTierView),
  };
}
