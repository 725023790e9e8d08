import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import { AppError, notFound, validationError } from '../../platform/http/errors.ts';
import { decodeCursor, encodeCursor } from '../../platform/http/pagination.ts';
import { DEFAULT_TEMPLATES } from './default-templates.ts';
import {
  LANGUAGES,
  MARKETING_KEYS,
  SECURITY_KEYS,
  TEMPLATE_KEYS,
  TEMPLATE_VARIABLES,
  sampleVariables,
  type Language,
  type NotificationChannel,
  type TemplateKey,
} from './notification-catalogue.ts';
import type { CreateTemplateBody, PreviewTemplateBody, TemplateView, UpdateTemplateBody } from './notifications.schemas.ts';
import * as repo from './templates.repository.ts';
import { assertCodeTemplatesEditable } from '../tenancy/index.ts';
import type { Executor } from '../../platform/db/database.ts';
import { renderTemplate, TemplateError, validateTemplate, type TemplateSource } from './template-engine.ts';

function toView(row: repo.TemplateRow): TemplateView {
  return {
    id: row.id,
    name: row.name,
    event_type: row.event_type,
    channel: row.channel,
    language: row.language,
    subject: row.subject,
    body: row.body,
    body_html: row.body_html,
    variables: row.variables,
    is_active: row.is_active,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** Template checks as a 400 naming the field, never a 500. */
function checked(key: TemplateKey, language: Language, source: TemplateSource): string[] {
  try {
    return validateTemplate(key, language, source);
  } catch (error) {
    if (error instanceof TemplateError) throw validationError([{ field: error.field, message: error.message, code: 'template' }], 'The template is not valid');
    throw error;
  }
}

/**
 * Security templates (one-time codes): 403 TEMPLATE_LOCKED while the business is free or on
 * trial; a subject is refused (the product's stays), so a template can change the wording only.
 */
async function assertSecurityTemplateChange(executor: Executor, tenantId: string, key: TemplateKey, subject: string | null | undefined): Promise<void> {
  if (!SECURITY_KEYS.has(key)) return;
  await assertCodeTemplatesEditable(executor, tenantId);
  if (subject !== undefined && subject !== null) {
    throw validationError([{ field: 'subject', message: 'security messages keep the product\'s subject; leave it out', code: 'template' }], 'The template is not valid');
  }
}

function defaultFor(key: TemplateKey, channel: NotificationChannel, language: Language): TemplateSource {
  const template = DEFAULT_TEMPLATES[key][language];
  if (channel === 'email') return { subject: template.subject, body: template.body };
  if (channel === 'push') return { subject: template.subject, body: template.short };
  return { body: template.short };
}

/** Tenant templates: create, change, remove (back to the built-in one), preview, and the catalogue. */
export function createTemplatesService(deps: { db: Db }) {
  return {
    catalogue() {
      return TEMPLATE_KEYS.map((key) => ({
        event_type: key,
        marketing: MARKETING_KEYS.has(key),
        variables: [...TEMPLATE_VARIABLES[key]],
        defaults: Object.fromEntries(LANGUAGES.map((language) => [language, DEFAULT_TEMPLATES[key][language]])),
      }));
    },

    async create(tenantId: string, body: CreateTemplateBody): Promise<TemplateView> {
      const source = { subject: body.subject ?? null, body: body.body, bodyHtml: body.body_html ?? null };
      const variables = checked(body.event_type, body.language, source);
      const row = await withTenant(deps.db, tenantId, async (trx) => {
        await assertSecurityTemplateChange(trx, tenantId, body.event_type, body.subject);
        return repo.insertTemplate(trx, tenantId, {
          name: body.name ?? `${body.event_type} (${body.channel}, ${body.language})`,
          eventType: body.event_type,
          channel: body.channel,
          language: body.language,
          subject: source.subject,
          body: source.body,
          bodyHtml: source.bodyHtml,
          variables,
          isActive: body.is_active ?? true,
        });
      });
      if (!row) throw new AppError('CONFLICT', 'A template for this event, channel and language exists; change it instead');
      return toView(row);
    },

    async update(tenantId: string, id: string, body: UpdateTemplateBody): Promise<TemplateView> {
      return withTenant(deps.db, tenantId, async (trx) => {
        const current = await repo.findTemplate(trx, tenantId, id);
        if (!current) throw notFound('Template');
        const key = TEMPLATE_KEYS.find((candidate) => candidate === current.event_type);
        if (key === undefined) throw notFound('Template');
        await assertSecurityTemplateChange(trx, tenantId, key, body.subject);
        const merged = {
          name: body.name ?? current.name,
          // A security template written before subjects were refused loses its subject on change.
          subject: SECURITY_KEYS.has(key) ? null : body.subject === undefined ? current.subject : body.subject,
          body: body.body ?? current.body,
          bodyHtml: body.body_html === undefined ? current.body_html : body.body_html,
          isActive: body.is_active ?? current.is_active,
        };
        const variables = checked(key, current.language, merged);
        const row = await repo.updateTemplate(trx, tenantId, id, { ...merged, variables });
        if (!row) throw notFound('Template');
        return toView(row);
      });
    },

    async get(tenantId: string, id: string): Promise<TemplateView> {
      const row = await withTenant(deps.db, tenantId, (trx) => repo.findTemplate(trx, tenantId, id));
      if (!row) throw notFound('Template');
      return toView(row);
    },

    async list(
      tenantId: string,
      query: { limit: number; cursor?: string | undefined; event_type?: TemplateKey | undefined },
    ): Promise<{ items: TemplateView[]; pagination: PaginationMeta }> {
      const position = decodeCursor(query.cursor);
      const after = position ? { createdAt: new Date(position.value), id: position.id } : undefined;
      if (after && Number.isNaN(after.createdAt.getTime())) throw new AppError('INVALID_CURSOR', 'The cursor is not valid for this list');
      const rows = await withTenant(deps.db, tenantId, (trx) =>
        repo.listTemplates(trx, tenantId, { eventType: query.event_type, after, limit: query.limit + 1 }),
      );
      const hasMore = rows.length > query.limit;
      const items = rows.slice(0, query.limit);
      const last = items.at(-1);
      return {
        items: items.map(toView),
        pagination: {
          cursor: hasMore && last ? encodeCursor({ value: last.created_at.toISOString(), id: last.id }) : null,
          has_more: hasMore,
        },
      };
    },

    async remove(tenantId: string, id: string): Promise<void> {
      const removed = await withTenant(deps.db, tenantId, (trx) => repo.deleteTemplate(trx, tenantId, id));
      if (!removed) throw notFound('Template');
    },

    /** Renders a template (given, the tenant's, or the built-in one) with the catalogue's sample data. */
    async preview(tenantId: string, body: PreviewTemplateBody) {
      let source: TemplateSource;
      let origin: 'request' | 'tenant' | 'default';
      if (body.body !== undefined) {
        source = { subject: body.subject ?? null, body: body.body, bodyHtml: body.body_html ?? null };
        origin = 'request';
      } else {
        const stored = await withTenant(deps.db, tenantId, (trx) =>
          repo.findActiveTemplate(trx, tenantId, body.event_type, body.channel, body.language),
        );
        source = stored ? { subject: stored.subject, body: stored.body, bodyHtml: stored.body_html } : defaultFor(body.event_type, body.channel, body.language);
        origin = stored ? 'tenant' : 'default';
      }
      const variables = checked(body.event_type, body.language, source);
      const rendered = renderTemplate(source, sampleVariables(body.event_type, body.language), body.channel === 'email');
      return { ...rendered, variables, source: origin };
    },
  };
}

export type TemplatesService = ReturnType<typeof createTemplatesService>;
