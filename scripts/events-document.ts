/**
 * Renders docs/events.md from the event catalogue the producing modules declare
 * (`booking.events.ts`, `payments.events.ts`, `customers.events.ts`, gathered by the
 * webhooks module's `EVENT_CATALOGUE`). Used by `npm run events:docs` and by the test that
 * keeps the committed document current.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { AnyEventDescriptor } from '../src/platform/events/event-descriptor.ts';
import { EVENT_CATALOGUE, WEBHOOK_EVENT_TYPES } from '../src/modules/webhooks/index.ts';

/** Where the committed document lives. */
export const EVENTS_DOC_PATH = fileURLToPath(new URL('../docs/events.md', import.meta.url));

/** The command that rewrites it, for messages. */
export const EVENTS_DOC_REFRESH_COMMAND = 'npm run events:docs';

interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
}

/** A JSON Schema node as a short type: `string (uuid)`, `"a" \| "b"`, `integer ≥ 0`, `… or null`. */
function typeOf(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ');
  if (Array.isArray(schema.type)) return schema.type.map((type) => typeOf({ ...schema, type })).join(' or ');
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((value) => `\`${String(value)}\``).join(', ');
  if (schema.type === 'array') return `array of ${schema.items ? typeOf(schema.items) : 'any'}`;
  if (schema.type === 'object' && !schema.properties) return 'object';
  if (schema.type === undefined) return 'any';
  return schema.format ? `${schema.type} (${schema.format})` : schema.type;
}

/** One table row per field, nested objects flattened as `parent.child`. */
function fieldRows(schema: JsonSchema, prefix = ''): string[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([name, field]) => {
    const path = `${prefix}${name}`;
    const row = `| \`${path}\` | ${typeOf(field).replaceAll('|', '\\|')} | ${required.has(name) ? 'yes' : 'no'} | ${(field.description ?? '').replaceAll('|', '\\|')} |`;
    return field.type === 'object' && field.properties ? [row, ...fieldRows(field, `${path}.`)] : [row];
  });
}

function fieldTable(schema: z.ZodType): string[] {
  // `output`: the shape consumers receive (what was checked and stored).
  const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
  return ['| field | type | always | notes |', '|---|---|---|---|', ...fieldRows(json)];
}

/** The events of one module: a table of them, then each distinct payload once, with the events that carry it. */
function moduleSection(module: string, events: readonly AnyEventDescriptor[]): string[] {
  const lines = [
    `## ${module}`,
    '',
    `Declared in \`src/modules/${module}/${module}.events.ts\`.`,
    '',
    '| event | aggregate | webhook | what happened |',
    '|---|---|---|---|',
    ...events.map((event) => `| \`${event.name}\` | ${event.aggregateType} | ${event.webhook ? 'yes' : 'no (internal)'} | ${event.description.replaceAll('|', '\\|')} |`),
    '',
  ];
  const payloads = new Map<AnyEventDescriptor['data'], AnyEventDescriptor[]>();
  for (const event of events) payloads.set(event.data, [...(payloads.get(event.data) ?? []), event]);
  for (const [data, carriers] of payloads) {
    const [first] = carriers;
    const names = carriers.map((event) => `\`${event.name}\``).join(', ');
    lines.push(`### Data of ${names}`, '', ...fieldTable(data), '');
    if (first?.previousAttributes) {
      lines.push('`previous_attributes`, when the change replaced something:', '', ...fieldTable(first.previousAttributes), '');
    }
  }
  return lines;
}

/** The whole document, as committed (final newline). */
export function renderEventsDocument(): string {
  const lines = [
    '# Domain events',
    '',
    '<!-- Generated from the event catalogue by `npm run events:docs`; do not edit by hand. -->',
    '',
    'Every event is written to the outbox in the transaction of the change that caused it, then handed to',
    "its subscribers (calendar, notifications, webhooks, and the other modules') at least once. Each",
    'producing module declares its events in `<module>.events.ts`: the name, a zod schema of the data, and',
    'the one function that builds it; `publishEvent` refuses data that breaks the schema. Events carry ids',
    'and non-personal attributes only; money is in minor units with an ISO 4217 currency.',
    '',
    '## Webhook events',
    '',
    'An endpoint (`POST /api/v1/webhook-endpoints`, `events`) may subscribe to these; each delivery is a',
    '`WebhookEvent` whose `data.object` is the event data below and `data.previous_attributes` its previous',
    'attributes, when present.',
    '',
    ...WEBHOOK_EVENT_TYPES.map((name) => `- \`${name}\``),
    '',
  ];
  for (const { module, events } of EVENT_CATALOGUE) lines.push(...moduleSection(module, events));
  return `${lines.join('\n').trimEnd()}\n`;
}
