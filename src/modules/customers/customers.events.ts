import { z } from 'zod';
import { defineEvent, type EventDataOf } from '../../platform/events/event-descriptor.ts';
import type { ErasureContext } from './customer-data-registry.ts';
import type { CustomerStatus, CustomerType } from './customers.tables.ts';

/**
 * The events the customers module publishes, their payload schemas and the function that
 * builds their data. Events are stored and delivered in clear, so they carry ids and
 * non-personal attributes only: never a name, an email or a phone.
 */

const CUSTOMER_TYPES = ['registered', 'guest'] as const satisfies readonly CustomerType[];
const CUSTOMER_STATUSES = ['active', 'inactive', 'banned'] as const satisfies readonly CustomerStatus[];

const ERASURE_REASONS = ['data_subject_request', 'account_closed', 'retention_expired', 'other'] as const satisfies readonly ErasureContext['reason'][];

const customerFields = {
  id: z.guid().describe('customer id'),
  type: z.enum(CUSTOMER_TYPES),
  status: z.enum(CUSTOMER_STATUSES),
};

/** The customer events, by what happened. */
export const customerEvents = {
  created: defineEvent({
    name: 'customer.created',
    aggregateType: 'customer',
    description: 'A customer record was created (by staff, a sign-up, or a guest booking).',
    webhook: true,
    data: z.strictObject(customerFields),
  }),
  updated: defineEvent({
    name: 'customer.updated',
    aggregateType: 'customer',
    description: 'A customer record changed: its fields (`changed_fields`, names only), or another record merged into it (`merged_customer_id`).',
    webhook: true,
    data: z.strictObject({
      ...customerFields,
      changed_fields: z.array(z.string()).optional().describe('names of the fields that changed, never their values'),
      merged_customer_id: z.guid().optional().describe('the duplicate merged into this customer'),
    }),
    previousAttributes: z.strictObject({ type: z.enum(CUSTOMER_TYPES).optional(), status: z.enum(CUSTOMER_STATUSES).optional() }),
  }),
  erased: defineEvent({
    name: 'customer.erased',
    aggregateType: 'customer',
    description: "A customer's personal data was erased (GDPR Art. 17, or a closed account).",
    webhook: false,
    data: z.strictObject({
      id: z.guid(),
      reason: z.enum(ERASURE_REASONS),
    }),
  }),
} as const;

/** Every event the customers module publishes, in the order of the docs. */
export const CUSTOMER_EVENTS = Object.values(customerEvents);

/** The data of `customer.created` / `customer.updated`: the customer's id, type and status, and what else the change says. */
export function customerEventData(
  customer: { id: string; type: CustomerType; status: CustomerStatus },
  change: { changed_fields?: string[]; merged_customer_id?: string } = {},
): EventDataOf<typeof customerEvents.updated> {
  return { id: customer.id, type: customer.type, status: customer.status, ...change };
}
