import { z } from 'zod';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import {
  catalogueSchema,
  createTemplateBodySchema,
  idParamsSchema,
  listNotificationsQuerySchema,
  listTemplatesQuerySchema,
  marketingMessageBodySchema,
  marketingSendSchema,
  notificationDetailSchema,
  notificationSchema,
  previewSchema,
  previewTemplateBodySchema,
  settingsSchema,
  templateSchema,
  unsubscribeQuerySchema,
  updateSettingsBodySchema,
  updateTemplateBodySchema,
} from './notifications.schemas.ts';
import type { MarketingService } from './marketing.service.ts';
import type { OutboxService } from './outbox.service.ts';
import type { SettingsService } from './settings.service.ts';
import type { TemplatesService } from './templates.service.ts';

const read = { access: { permission: ['read', 'Notification'] as const } };
const manage = { access: { permission: ['manage', 'Notification'] as const } };

export interface NotificationRouteServices {
  outbox: OutboxService;
  templates: TemplatesService;
  settings: SettingsService;
  marketing: MarketingService;
}

export function registerNotificationRoutes(api: ApiRouter, services: NotificationRouteServices): void {
  const outboxTags = ['Notifications'];
  const templateTags = ['Notification templates'];

  api.get(
    '/notifications',
    {
      schema: {
        tags: outboxTags,
        summary: 'The outbox: messages sent or captured, newest first, with delivery state',
        querystring: listNotificationsQuerySchema,
        response: { 200: envelopeSchema(z.array(notificationSchema)) },
      },
      config: read,
    },
    async (request) => {
      const page = await services.outbox.list(requireTenant(request), request.query);
      return ok(page.items, page.pagination);
    },
  );

  api.get(
    '/notifications/:id',
    {
      schema: { tags: outboxTags, summary: 'One message, HTML body included', params: idParamsSchema, response: { 200: envelopeSchema(notificationDetailSchema) } },
      config: read,
    },
    async (request) => ok(await services.outbox.get(requireTenant(request), request.params.id)),
  );

  api.post(
    '/notifications/:id/resend',
    {
      schema: { tags: outboxTags, summary: 'Send a message again (support, RF6.2)', params: idParamsSchema, response: { 202: envelopeSchema(notificationDetailSchema) } },
      config: manage,
    },
    async (request, reply) => reply.code(202).send(ok(await services.outbox.resend(requireTenant(request), request.params.id))),
  );

  api.post(
    '/notifications/marketing',
    {
      schema: {
        tags: outboxTags,
        summary: 'Send a marketing message to every customer who consented to marketing (RF2.15)',
        description:
          'Each copy carries a visible unsubscribe link and one-click List-Unsubscribe; customers without a standing ' +
          'marketing consent get nothing, and consent is checked again at delivery. Copies appear in the outbox.',
        body: marketingMessageBodySchema,
        response: { 202: envelopeSchema(marketingSendSchema) },
      },
      config: manage,
    },
    async (request, reply) => reply.code(202).send(ok(await services.marketing.send(requireTenant(request), request.body))),
  );

  api.post(
    '/notifications/unsubscribe',
    {
      schema: { tags: outboxTags, summary: 'One-click unsubscribe from marketing messages (RFC 8058)', querystring: unsubscribeQuerySchema },
      config: { access: { public: true, tenant: 'none' } },
    },
    async (request, reply) => {
      await services.outbox.unsubscribe(request.query.token);
      return reply.code(204).send();
    },
  );

  api.get(
    '/notification-settings',
    {
      schema: { tags: outboxTags, summary: 'Notification settings (reminders, channels, language)', response: { 200: envelopeSchema(settingsSchema) } },
      config: read,
    },
    async (request) => ok(await services.settings.get(requireTenant(request))),
  );

  api.patch(
    '/notification-settings',
    {
      schema: { tags: outboxTags, summary: 'Change notification settings', body: updateSettingsBodySchema, response: { 200: envelopeSchema(settingsSchema) } },
      config: manage,
    },
    async (request) => ok(await services.settings.update(requireTenant(request), request.body)),
  );

  api.get(
    '/notification-templates/catalogue',
    {
      schema: { tags: templateTags, summary: 'Template keys, their variables and built-in texts', response: { 200: envelopeSchema(catalogueSchema) } },
      config: read,
    },
    async () => ok(services.templates.catalogue()),
  );

  api.post(
    '/notification-templates/preview',
    {
      schema: { tags: templateTags, summary: 'Render a template with sample data', body: previewTemplateBodySchema, response: { 200: envelopeSchema(previewSchema) } },
      config: read,
    },
    async (request) => ok(await services.templates.preview(requireTenant(request), request.body)),
  );

  api.post(
    '/notification-templates',
    {
      schema: {
        tags: templateTags,
        summary: 'Replace a built-in template for one event, channel and language',
        description:
          'Code messages (`verification.code`) keep the product\'s subject (a `subject` is refused) and go only to the address being proved; ' +
          'free and trial businesses cannot change them (403 TEMPLATE_LOCKED).',
        body: createTemplateBodySchema,
        response: { 201: envelopeSchema(templateSchema) },
      },
      config: manage,
    },
    async (request, reply) => reply.code(201).send(ok(await services.templates.create(requireTenant(request), request.body))),
  );

  api.get(
    '/notification-templates',
    {
      schema: { tags: templateTags, summary: 'The tenant’s templates', querystring: listTemplatesQuerySchema, response: { 200: envelopeSchema(z.array(templateSchema)) } },
      config: read,
    },
    async (request) => {
      const page = await services.templates.list(requireTenant(request), request.query);
      return ok(page.items, page.pagination);
    },
  );

  api.get(
    '/notification-templates/:id',
    {
      schema: { tags: templateTags, summary: 'One template', params: idParamsSchema, response: { 200: envelopeSchema(templateSchema) } },
      config: read,
    },
    async (request) => ok(await services.templates.get(requireTenant(request), request.params.id)),
  );

  api.patch(
    '/notification-templates/:id',
    {
      schema: { tags: templateTags, summary: 'Change a template', params: idParamsSchema, body: updateTemplateBodySchema, response: { 200: envelopeSchema(templateSchema) } },
      config: manage,
    },
    async (request) => ok(await services.templates.update(requireTenant(request), request.params.id, request.body)),
  );

  api.delete(
    '/notification-templates/:id',
    { schema: { tags: templateTags, summary: 'Remove a template (the built-in one applies again)', params: idParamsSchema }, config: manage },
    async (request, reply) => {
      await services.templates.remove(requireTenant(request), request.params.id);
      return reply.code(204).send();
    },
  );
}
