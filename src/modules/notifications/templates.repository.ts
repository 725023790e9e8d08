import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Language, NotificationChannel } from './notification-catalogue.ts';
import type { NotificationTemplatesTable } from './notifications.tables.ts';

export type TemplateRow = Selectable<NotificationTemplatesTable>;

export interface TemplateInput {
  name: string;
  eventType: string;
  channel: NotificationChannel;
  language: Language;
  subject: string | null;
  body: string;
  bodyHtml: string | null;
  variables: string[];
  isActive: boolean;
}

export async function insertTemplate(executor: Executor, tenantId: string, input: TemplateInput): Promise<TemplateRow | undefined> {
  return executor
    .insertInto('notification_templates')
    .values({
      tenant_id: tenantId,
      name: input.name,
      event_type: input.eventType,
      channel: input.channel,
      language: input.language,
      subject: input.subject,
      body: input.body,
      body_html: input.bodyHtml,
      variables: JSON.stringify(input.variables),
      is_active: input.isActive,
    })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'event_type', 'channel', 'language']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateTemplate(
  executor: Executor,
  tenantId: string,
  id: string,
  input: Omit<TemplateInput, 'eventType' | 'channel' | 'language'>,
): Promise<TemplateRow | undefined> {
  return executor
    .updateTable('notification_templates')
    .set({
      name: input.name,
      subject: input.subject,
      body: input.body,
      body_html: input.bodyHtml,
      variables: JSON.stringify(input.variables),
      is_active: input.isActive,
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function findTemplate(executor: Executor, tenantId: string, id: string): Promise<TemplateRow | undefined> {
  return executor
    .selectFrom('notification_templates')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findActiveTemplate(
  executor: Executor,
  tenantId: string,
  eventType: string,
  channel: NotificationChannel,
  language: Language,
): Promise<TemplateRow | undefined> {
  return executor
    .selectFrom('notification_templates')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('event_type', '=', eventType)
    .where('channel', '=', channel)
    .where('language', '=', language)
    .where('is_active', '=', true)
    .executeTakeFirst();
}

export async function listTemplates(
  executor: Executor,
  tenantId: string,
  options: { eventType?: string | undefined; after?: { createdAt: Date; id: string } | undefined; limit: number },
): Promise<TemplateRow[]> {
  const after = options.after;
  return executor
    .selectFrom('notification_templates')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .$if(options.eventType !== undefined, (qb) => qb.where('event_type', '=', options.eventType ?? ''))
    .$if(after !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('created_at', '>', after?.createdAt ?? new Date(0)),
          eb.and([eb('created_at', '=', after?.createdAt ?? new Date(0)), eb('id', '>', after?.id ?? '')]),
        ]),
      ),
    )
    .orderBy('created_at')
    .orderBy('id')
    .limit(options.limit)
    .execute();
}

export async function deleteTemplate(executor: Executor, tenantId: string, id: string): Promise<boolean> {
  const result = await executor
    .deleteFrom('notification_templates')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
