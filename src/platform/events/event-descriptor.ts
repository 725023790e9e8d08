import { z } from 'zod';

/** What an event's data and previous attributes are: one JSON object. */
export type EventPayloadSchema = z.ZodType<Record<string, unknown>>;

/**
 * One kind of domain event, declared once by the module that publishes it (its
 * `<module>.events.ts`): the name, the aggregate it is about, the zod schema of its data
 * (and of its previous attributes, when it has them), whether outgoing webhook endpoints
 * may subscribe to it, and a sentence for the generated docs. `publishEvent` takes a
 * descriptor instead of a name, so an unknown event does not type-check and a payload that
 * breaks its schema is refused before it is written.
 */
export interface EventDescriptor<
  Name extends string = string,
  Data extends EventPayloadSchema = EventPayloadSchema,
  Previous extends EventPayloadSchema | undefined = EventPayloadSchema | undefined,
  Webhook extends boolean = boolean,
> {
  readonly name: Name;
  readonly aggregateType: string;
  readonly description: string;
  /** Part of the public API: endpoints may subscribe to it (`POST /webhook-endpoints`). */
  readonly webhook: Webhook;
  readonly data: Data;
  readonly previousAttributes: Previous;
}

/** Any descriptor, whatever its name and schemas. */
export type AnyEventDescriptor = EventDescriptor<string, EventPayloadSchema, EventPayloadSchema | undefined, boolean>;

/** The data a descriptor's schema accepts (what the producer hands to `publishEvent`). */
export type EventDataOf<D extends AnyEventDescriptor> = z.input<D['data']>;

/** The name of a descriptor (or of each descriptor in a list). */
export type EventNameOf<D extends AnyEventDescriptor> = D['name'];

/** Declares an event; the generic parameters keep its name and webhook flag as literal types. */
export function defineEvent<
  const Name extends string,
  Data extends EventPayloadSchema,
  const Webhook extends boolean,
  Previous extends EventPayloadSchema | undefined = undefined,
>(descriptor: {
  name: Name;
  aggregateType: string;
  description: string;
  webhook: Webhook;
  data: Data;
  previousAttributes?: Previous;
}): EventDescriptor<Name, Data, Previous, Webhook> {
  return Object.freeze({
    name: descriptor.name,
    aggregateType: descriptor.aggregateType,
    description: descriptor.description,
    webhook: descriptor.webhook,
    data: descriptor.data,
    // Absent means "this event has no previous attributes"; the type says so too.
    previousAttributes: descriptor.previousAttributes as Previous,
  });
}

/** What a producer gives for one event of kind `D`. */
export interface EventInput<D extends AnyEventDescriptor> {
  tenantId: string;
  aggregateId: string;
  data: EventDataOf<D>;
  previousAttributes?: D['previousAttributes'] extends EventPayloadSchema ? z.input<D['previousAttributes']> : never;
}

/** A payload that breaks its event's schema: a programming error, refused before anything is written. */
export class EventPayloadError extends Error {
  override readonly name = 'EventPayloadError';
  readonly eventName: string;
  readonly issues: readonly z.core.$ZodIssue[];
  constructor(eventName: string, issues: readonly z.core.$ZodIssue[]) {
    super(`${eventName}: payload does not match its schema: ${issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
    this.eventName = eventName;
    this.issues = issues;
  }
}

const checked: unique symbol = Symbol('checked event');

/**
 * An event whose data passed its schema, ready for the outbox. Only `checkEvent` makes one
 * (the brand cannot be written by hand), so nothing unchecked reaches `publishEvents`.
 */
export interface CheckedEvent {
  readonly [checked]: true;
  readonly tenantId: string;
  readonly type: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly data: Record<string, unknown>;
  readonly previousAttributes: Record<string, unknown> | undefined;
}

/** Validates an event against its descriptor; throws `EventPayloadError` when the data or previous attributes break the schema. */
export function checkEvent<D extends AnyEventDescriptor>(descriptor: D, input: EventInput<D>): CheckedEvent {
  const data = descriptor.data.safeParse(input.data);
  if (!data.success) throw new EventPayloadError(descriptor.name, data.error.issues);
  let previousAttributes: Record<string, unknown> | undefined;
  if (input.previousAttributes !== undefined) {
    if (descriptor.previousAttributes === undefined) {
      throw new EventPayloadError(descriptor.name, [{ code: 'custom', path: ['previous_attributes'], message: 'this event has no previous attributes', input: input.previousAttributes }]);
    }
    const previous = descriptor.previousAttributes.safeParse(input.previousAttributes);
    if (!previous.success) throw new EventPayloadError(descriptor.name, previous.error.issues.map((issue) => ({ ...issue, path: ['previous_attributes', ...issue.path] })));
    previousAttributes = previous.data;
  }
  return {
    [checked]: true,
    tenantId: input.tenantId,
    type: descriptor.name,
    aggregateType: descriptor.aggregateType,
    aggregateId: input.aggregateId,
    data: data.data,
    previousAttributes,
  };
}

/** The names of a list of descriptors, in order (what a subscriber lists, what the webhook enum holds). */
export function eventNames<const D extends readonly AnyEventDescriptor[]>(descriptors: D): EventNameOf<D[number]>[] {
  return descriptors.map((descriptor) => descriptor.name);
}
