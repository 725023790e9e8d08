/**
 * What a whole-business export holds: one data class per file, each read under the business's tenant context.
 * Tables are read with an explicit list of columns, never `*`: a column added later (a secret, a hash) stays out
 * of every archive until someone decides it belongs there. Customers come from the customers module (their
 * personal data is encrypted at rest) and the team from identity (accounts are platform rows).
 */
import { sql, type RawBuilder } from 'kysely';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db, Executor } from '../../platform/db/database.ts';
import { withPlatform, withTenant } from '../../platform/db/tenant-context.ts';
import { customerRecordsForExport } from '../customers/index.ts';
import { businessPeople } from '../identity/index.ts';
import { getTenant } from '../tenancy/index.ts';

export type ExportRow = Record<string, unknown>;

/** One file pair of the archive (`<name>.csv`, `<name>.jsonl`): its columns, and what it holds in both languages. */
export interface DataClass {
  name: string;
  columns: readonly string[];
  about: { es: string; en: string };
}

/** Where a data class read straight from its table comes from: the table, a stable order, any extra filter. */
interface TableClass extends DataClass {
  table: string;
  orderBy: readonly string[];
  where?: RawBuilder<unknown>;
}

const TIMESTAMPS = ['created_at', 'updated_at'] as const;

const ACCOUNT: DataClass = {
  name: 'account',
  columns: ['id', 'name', 'slug', 'domain', 'plan_id', 'status', 'settings', 'created_at'],
  about: { es: 'La cuenta en ReserveHub: plan, estado y ajustes.', en: 'The ReserveHub account: plan, status and settings.' },
};
const TEAM: DataClass = {
  name: 'team_members',
  columns: ['user_id', 'email', 'name', 'role', 'custom_role_name', 'status', 'two_factor', 'last_active_at', 'last_sign_in_at'],
  about: {
    es: 'El equipo: nombre, correo, rol y si usa segundo factor (nunca contraseñas ni secretos).',
    en: 'The team: name, e-mail, role and whether they use a second factor (never passwords or secrets).',
  },
};
const CUSTOMERS: DataClass = {
  name: 'customers',
  columns: [
    'id', 'type', 'status', 'first_name', 'last_name', 'email', 'phone', 'date_of_birth', 'notes', 'marketing_consent', 'preferences', 'email_verified_at',
    'phone_verified_at', 'last_activity_at', ...TIMESTAMPS,
  ],
  about: { es: 'Los clientes, con sus datos de contacto en claro.', en: 'The customers, with their contact details in clear.' },
};
const CONSENTS: DataClass = {
  name: 'consents',
  columns: ['id', 'customer_id', 'consent_type', 'purpose', 'legal_basis', 'source', 'text_version', 'ip_address', 'user_agent', 'granted_at', 'withdrawn_at', 'withdrawal_source', 'active'],
  about: { es: 'Los consentimientos de cada cliente y su prueba (RGPD art. 7).', en: 'Each customer’s consents and their evidence (GDPR Art. 7).' },
};

/** The data classes read straight from their tables (allow-listed columns, tenant filter, stable order). */
const TABLE_CLASSES: readonly TableClass[] = [
  {
    name: 'business',
    table: 'businesses',
    columns: ['id', 'name', 'slug', 'description', 'logo_url', 'website', 'phone', 'email', 'address', 'timezone', 'currency', 'settings', ...TIMESTAMPS],
    orderBy: ['created_at', 'id'],
    about: { es: 'El perfil del negocio y sus ajustes.', en: 'The business profile and its settings.' },
  },
  {
    name: 'locations',
    table: 'locations',
    columns: ['id', 'business_id', 'name', 'address', 'phone', 'email', 'timezone', 'settings', 'status', ...TIMESTAMPS],
    orderBy: ['created_at', 'id'],
    about: { es: 'Los locales, con su zona horaria.', en: 'The locations, with their time zone.' },
  },
  {
    name: 'location_closures',
    table: 'location_closures',
    columns: ['id', 'location_id', 'closure_date', 'reason', 'created_at'],
    orderBy: ['closure_date', 'id'],
    about: { es: 'Los días de cierre de cada local.', en: 'The days each location is closed.' },
  },
  {
    name: 'service_categories',
    table: 'service_categories',
    columns: ['id', 'business_id', 'name', 'description', 'color', 'sort_order', 'status', ...TIMESTAMPS],
    orderBy: ['sort_order', 'id'],
    about: { es: 'Las categorías de servicios.', en: 'The service categories.' },
  },
  {
    name: 'services',
    table: 'services',
    columns: [
      'id', 'business_id', 'category_id', 'name', 'description', 'duration_minutes', 'buffer_before_minutes', 'buffer_after_minutes', 'capacity',
      'slot_interval_minutes', 'min_notice_minutes', 'max_advance_days', 'price_amount', 'currency', 'cost_amount', 'deposit_type', 'deposit_value',
      'cancellation_policy', 'required_resources', 'settings', 'status', ...TIMESTAMPS,
    ],
    orderBy: ['created_at', 'id'],
    about: { es: 'Los servicios: duración, precio (en céntimos), señal y política de cancelación.', en: 'The services: duration, price (in minor units), deposit and cancellation policy.' },
  },
  {
    name: 'service_pricing',
    table: 'service_pricing',
    columns: ['id', 'service_id', 'name', 'base_price', 'currency', 'deposit_type', 'deposit_value', 'is_default', 'conditions', 'valid_from', 'valid_until', 'priority', 'created_at'],
    orderBy: ['service_id', 'priority', 'id'],
    about: { es: 'Las tarifas de cada servicio.', en: 'Each service’s pricing tiers.' },
  },
  {
    name: 'service_resources',
    table: 'service_resources',
    columns: ['service_id', 'resource_id'],
    orderBy: ['service_id', 'resource_id'],
    about: { es: 'Qué recurso presta qué servicio.', en: 'Which resource delivers which service.' },
  },
  {
    name: 'resources',
    table: 'resources',
    columns: ['id', 'location_id', 'name', 'type', 'description', 'capacity', 'skills', 'user_id', 'settings', 'status', ...TIMESTAMPS],
    orderBy: ['created_at', 'id'],
    about: { es: 'Los recursos reservables: personal, salas y equipos.', en: 'The bookable resources: staff, rooms and equipment.' },
  },
  {
    name: 'schedules',
    table: 'schedules',
    columns: ['id', 'resource_id', 'name', 'recurrence_rule', 'start_date', 'end_date', 'time_slots', 'is_active', ...TIMESTAMPS],
    orderBy: ['resource_id', 'created_at', 'id'],
    about: { es: 'Los horarios de cada recurso (regla RRULE y franjas).', en: 'Each resource’s schedules (RRULE and time slots).' },
  },
  {
    name: 'schedule_exceptions',
    table: 'schedule_exceptions',
    columns: ['id', 'resource_id', 'exception_date', 'type', 'custom_hours', 'reason', 'created_by', ...TIMESTAMPS],
    orderBy: ['exception_date', 'id'],
    about: { es: 'Las excepciones de horario (ausencias, horas especiales).', en: 'Schedule exceptions (time off, special hours).' },
  },
  {
    name: 'roles',
    table: 'roles',
    columns: ['id', 'name', 'description', 'permissions', ...TIMESTAMPS],
    orderBy: ['created_at', 'id'],
    about: { es: 'Los roles personalizados del equipo y sus permisos.', en: 'The team’s custom roles and their permissions.' },
  },
  {
    name: 'booking_groups',
    table: 'booking_groups',
    columns: ['id', 'kind', 'created_at'],
    orderBy: ['created_at', 'id'],
    about: { es: 'Las reservas de varias partes (cada parte es una fila de bookings con este group_id).', en: 'Bookings made of several items (each item is a bookings row with this group_id).' },
  },
  {
    name: 'bookings',
    table: 'bookings',
    columns: [
      'id', 'group_id', 'booking_number', 'status', 'business_id', 'location_id', 'service_id', 'resource_id', 'customer_id', 'customer_type', 'start_time',
      'end_time', 'time_zone', 'service_name', 'resource_name', 'resource_type', 'actual_start_time', 'actual_end_time', 'base_price', 'total_price',
      'deposit_required', 'deposit_paid', 'currency', 'pricing_tier_id', 'source', 'notes', 'internal_notes', 'reschedule_count', 'cancelled_at',
      'cancelled_by', 'cancellation_reason', 'created_by', ...TIMESTAMPS,
    ],
    orderBy: ['start_time', 'id'],
    about: { es: 'Todas las reservas, con su estado, importes (en céntimos) y notas.', en: 'Every booking, with its status, amounts (in minor units) and notes.' },
  },
  {
    name: 'payments',
    table: 'payments',
    columns: [
      'id', 'booking_id', 'customer_id', 'type', 'status', 'amount', 'currency', 'platform_fee', 'provider', 'provider_payment_id', 'description',
      'failure_reason', 'processed_at', ...TIMESTAMPS,
    ],
    orderBy: ['created_at', 'id'],
    about: { es: 'Los cobros a clientes (señales, pagos, penalizaciones).', en: 'Customer payments (deposits, full payments, penalties).' },
  },
  {
    name: 'refunds',
    table: 'refunds',
    columns: ['id', 'payment_id', 'amount', 'currency', 'reason', 'status', 'provider_refund_id', 'failure_reason', 'processed_at', ...TIMESTAMPS],
    orderBy: ['created_at', 'id'],
    about: { es: 'Las devoluciones de esos cobros.', en: 'The refunds of those payments.' },
  },
  {
    name: 'invoices',
    table: 'platform_invoices',
    columns: [
      'id', 'kind', 'number', 'status', 'currency', 'lines', 'subtotal', 'credit_applied', 'tax_label', 'tax_rate_bps', 'tax_amount', 'reverse_charge',
      'total', 'amount_paid', 'amount_refunded', 'refund_reason', 'buyer', 'period_start', 'period_end', 'credits_invoice_id', 'plan_id', 'billing_interval',
      'issued_at', 'due_at', 'paid_at',
    ],
    orderBy: ['issued_at', 'id'],
    about: { es: 'Las facturas y abonos de la suscripción a ReserveHub.', en: 'The invoices and credit notes of the ReserveHub subscription.' },
  },
  {
    name: 'notification_templates',
    table: 'notification_templates',
    columns: ['id', 'name', 'event_type', 'channel', 'language', 'subject', 'body', 'body_html', 'variables', 'is_active', ...TIMESTAMPS],
    orderBy: ['event_type', 'channel', 'language', 'id'],
    about: { es: 'Las plantillas de mensajes que el negocio ha personalizado.', en: 'The message templates the business customised.' },
  },
  {
    name: 'webhook_endpoints',
    table: 'webhook_endpoints',
    columns: ['id', 'url', 'description', 'events', 'status', 'disabled_reason', 'disabled_at', 'failing_since', 'last_success_at', ...TIMESTAMPS],
    orderBy: ['created_at', 'id'],
    where: sql`deleted_at is null`,
    about: { es: 'Los webhooks configurados (sin sus secretos de firma).', en: 'The configured webhook endpoints (without their signing secrets).' },
  },
];

/** Every data class, in the order the archive and its README list them. */
export const DATA_CLASSES: readonly DataClass[] = [ACCOUNT, TEAM, CUSTOMERS, CONSENTS, ...TABLE_CLASSES];

function readTable(executor: Executor, tenantId: string, data: TableClass): Promise<ExportRow[]> {
  const columns = sql.join(data.columns.map((column) => sql.ref(column)));
  const order = sql.join(data.orderBy.map((column) => sql.ref(column)));
  const extra = data.where ? sql`and ${data.where}` : sql``;
  return sql<ExportRow>`select ${columns} from ${sql.table(data.table)} where tenant_id = ${tenantId} ${extra} order by ${order}`
    .execute(executor)
    .then((result) => result.rows);
}

/** Every data class's rows, keyed by its name. */
export async function collectBusinessData(db: Db, keyRing: KeyRing, tenantId: string): Promise<Map<string, ExportRow[]>> {
  // Accounts and their second factors are platform rows: read on the platform connection, for this business only.
  const { tenant, people } = await withPlatform(db, async (trx) => ({ tenant: await getTenant(trx, tenantId), people: await businessPeople(trx, tenantId) }));
  const data = new Map<string, ExportRow[]>();
  data.set(ACCOUNT.name, tenant ? [{ ...tenant }] : []);
  data.set(TEAM.name, people.members.map((member) => ({ ...member })));
  await withTenant(db, tenantId, async (trx) => {
    for (const table of TABLE_CLASSES) data.set(table.name, await readTable(trx, tenantId, table));
    const { customers, consents } = await customerRecordsForExport(trx, keyRing, tenantId);
    data.set(CUSTOMERS.name, customers);
    data.set(CONSENTS.name, consents);
  });
  return data;
}
