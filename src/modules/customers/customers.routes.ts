import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { annotateAudit } from '../audit/index.ts';
import { staffContext } from './customer-request.ts';
import type { ConsentsService } from './consents.service.ts';
import {
  consentParamsSchema,
  consentSchema,
  grantConsentBodySchema,
  withdrawConsentBodySchema,
} from './consents.schemas.ts';
import type { CustomersService } from './customers.service.ts';
import type { createErasureService } from './customer-erasure.service.ts';
import type { createMergeService } from './customer-merge.service.ts';
import {
  createCustomerBodySchema,
  customerIdParamsSchema,
  customerSchema,
  listCustomersQuerySchema,
  mergeCustomersBodySchema,
  mergeResultSchema,
  updateCustomerBodySchema,
} from './customers.schemas.ts';
import { exportToCsv, type createExportService } from './personal-data-export.service.ts';
import { deletionReportSchema, erasureQuerySchema, exportQuerySchema, userDataExportSchema } from './privacy.schemas.ts';
import {
  closePrivacyRequestSchema,
  extendPrivacyRequestSchema,
  newPrivacyRequestSchema,
  privacyRequestSchema,
  privacyRequestsQuerySchema,
  type PrivacyRequestsService,
} from './privacy-requests.ts';

export interface CustomerRouteServices {
  customers: CustomersService;
  consents: ConsentsService;
  merge: ReturnType<typeof createMergeService>;
  erasure: ReturnType<typeof createErasureService>;
  export: ReturnType<typeof createExportService>;
  privacyRequests: PrivacyRequestsService;
}

const TAGS = ['Customers'];
const accessReasonHeaders = z.object({
  'x-access-reason': z
    .string()
    .max(200)
    .optional()
    .describe('Why the data is opened (support access); recorded in the audit log.'),
});

/** Staff endpoints for customers, consents and privacy rights (API.md "Customers and privacy"). */
export function registerCustomerRoutes(api: ApiRouter, services: CustomerRouteServices): void {
  api.register(async (plain) => {
    const scoped = plain.withTypeProvider<ZodTypeProvider>();
    // These services write their own audit entries, free of personal data; the generic
    // write hook would otherwise store the request body (names, email, phone) in clear.
    scoped.addHook('preHandler', async (request) => {
      if (request.method !== 'GET') annotateAudit(request, { skip: true });
    });

    scoped.post(
      '/customers',
      {
        schema: {
          tags: TAGS,
          summary: 'Create a customer',
          body: createCustomerBodySchema,
          response: { 201: envelopeSchema(customerSchema) },
        },
        config: { access: { permission: ['create', 'Customer'] } },
      },
      async (request, reply) => reply.code(201).send(ok(await services.customers.create(staffContext(request), request.body))),
    );

    scoped.get(
      '/customers',
      {
        schema: {
          tags: TAGS,
          summary: 'List and search customers',
          querystring: listCustomersQuerySchema,
          response: { 200: envelopeSchema(z.array(customerSchema)) },
        },
        config: { access: { permission: ['read', 'Customer'] } },
      },
      async (request) => {
        const page = await services.customers.list(staffContext(request), request.query);
        return ok(page.items, page.pagination);
      },
    );

    scoped.get(
      '/customers/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Get a customer (audited)',
          params: customerIdParamsSchema,
          headers: accessReasonHeaders,
          response: { 200: envelopeSchema(customerSchema) },
        },
        config: { access: { permission: ['read', 'Customer'] } },
      },
      async (request) => ok(await services.customers.get(staffContext(request), request.params.id)),
    );

    scoped.patch(
      '/customers/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Update a customer',
          params: customerIdParamsSchema,
          body: updateCustomerBodySchema,
          response: { 200: envelopeSchema(customerSchema) },
        },
        config: { access: { permission: ['update', 'Customer'] } },
      },
      async (request) => ok(await services.customers.update(staffContext(request), request.params.id, request.body)),
    );

    scoped.delete(
      '/customers/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Erase a customer (GDPR Art. 17)',
          description:
            'Removes or irreversibly anonymizes the customer\'s personal data, lets every module do the same ' +
            '(financial records are kept as the law requires) and answers the DeletionReport.',
          params: customerIdParamsSchema,
          querystring: erasureQuerySchema,
          response: { 200: envelopeSchema(deletionReportSchema) },
        },
        config: { access: { permission: ['delete', 'Customer'] } },
      },
      async (request) => ok(await services.erasure.erase(staffContext(request), request.params.id, request.query.reason)),
    );

    scoped.post(
      '/customers/:id/merge',
      {
        schema: {
          tags: TAGS,
          summary: 'Merge a duplicate into this customer',
          params: customerIdParamsSchema,
          body: mergeCustomersBodySchema,
          response: { 200: envelopeSchema(mergeResultSchema) },
        },
        config: { access: { permission: ['update', 'Customer'] } },
      },
      async (request) =>
        ok(await services.merge.merge(staffContext(request), request.params.id, request.body.duplicate_id)),
    );

    scoped.get(
      '/customers/:id/export',
      {
        schema: {
          tags: TAGS,
          summary: 'Export everything held about a customer (GDPR Art. 15, 20; audited)',
          description: '`format=json` answers the UserDataExport in the envelope; `format=csv` a CSV file (category,record,field,value).',
          params: customerIdParamsSchema,
          querystring: exportQuerySchema,
          headers: accessReasonHeaders,
          response: { 200: envelopeSchema(userDataExportSchema).or(z.string()) },
        },
        config: { access: { permission: ['export', 'Customer'] } },
      },
      async (request, reply) => {
        const data = await services.export.exportData(staffContext(request), request.params.id, request.query.format);
        if (request.query.format === 'csv') {
          return reply
            .header('content-type', 'text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="customer-${request.params.id}.csv"`)
            .header('cache-control', 'no-store')
            .send(exportToCsv(data));
        }
        return reply.header('cache-control', 'no-store').send(ok(data));
      },
    );

    scoped.get(
      '/customers/:id/consents',
      {
        schema: {
          tags: TAGS,
          summary: 'List a customer\'s consent records',
          params: customerIdParamsSchema,
          response: { 200: envelopeSchema(z.array(consentSchema)) },
        },
        config: { access: { permission: ['read', 'Customer'] } },
      },
      async (request) => ok(await services.consents.list(staffContext(request), request.params.id)),
    );

    scoped.post(
      '/customers/:id/consents',
      {
        schema: {
          tags: TAGS,
          summary: 'Record a consent (the caller\'s IP and user agent are kept as proof, encrypted)',
          params: customerIdParamsSchema,
          body: grantConsentBodySchema,
          response: { 201: envelopeSchema(consentSchema) },
        },
        config: { access: { permission: ['update', 'Customer'] } },
      },
      async (request, reply) =>
        reply.code(201).send(ok(await services.consents.grant(staffContext(request), request.params.id, request.body))),
    );

    scoped.post(
      '/customers/:id/consents/:consent_id/withdraw',
      {
        schema: {
          tags: TAGS,
          summary: 'Withdraw a consent (marketing stops at once)',
          params: consentParamsSchema,
          body: withdrawConsentBodySchema.optional(),
          response: { 200: envelopeSchema(consentSchema) },
        },
        config: { access: { permission: ['update', 'Customer'] } },
      },
      async (request) =>
        ok(
          await services.consents.withdraw(
            staffContext(request),
            request.params.id,
            request.params.consent_id,
            request.body?.source ?? 'staff',
          ),
        ),
    );

    // The register of data-subject requests (GDPR Art. 12): who may export a customer's data keeps it.
    const PRIVACY_TAGS = ['Customers'];
    const registerAccess = { access: { permission: ['export', 'Customer'] } } as const;
    scoped.get(
      '/privacy-requests',
      {
        schema: {
          tags: PRIVACY_TAGS,
          summary: 'The register of data-subject requests, newest first (exports and erasures made here record themselves)',
          querystring: privacyRequestsQuerySchema,
          response: { 200: envelopeSchema(z.array(privacyRequestSchema)) },
        },
        config: registerAccess,
      },
      async (request) => {
        const page = await services.privacyRequests.list(staffContext(request).tenantId, request.query);
        return ok(page.items, page.pagination);
      },
    );
    scoped.post(
      '/privacy-requests',
      {
        schema: {
          tags: PRIVACY_TAGS,
          summary: 'Log a request that came in by e-mail, phone or post; it is due one month after receipt',
          body: newPrivacyRequestSchema,
          response: { 201: envelopeSchema(privacyRequestSchema) },
        },
        config: registerAccess,
      },
      async (request, reply) => reply.code(201).send(ok(await services.privacyRequests.create(staffContext(request), request.body))),
    );
    scoped.post(
      '/privacy-requests/:id/extend',
      {
        schema: {
          tags: PRIVACY_TAGS,
          summary: 'Extend an open request’s deadline once, by up to two further months, saying why (GDPR Art. 12(3))',
          params: z.object({ id: z.uuid() }),
          body: extendPrivacyRequestSchema,
          response: { 200: envelopeSchema(privacyRequestSchema) },
        },
        config: registerAccess,
      },
      async (request) => ok(await services.privacyRequests.extend(staffContext(request), request.params.id, request.body)),
    );
    for (const [verb, status] of [
      ['complete', 'completed'],
      ['refuse', 'refused'],
    ] as const) {
      scoped.post(
        `/privacy-requests/:id/${verb}`,
        {
          schema: {
            tags: PRIVACY_TAGS,
            summary: verb === 'complete' ? 'Mark an open request answered' : 'Refuse an open request, saying why',
            params: z.object({ id: z.uuid() }),
            body: closePrivacyRequestSchema,
            response: { 200: envelopeSchema(privacyRequestSchema) },
          },
          config: registerAccess,
        },
        async (request) => ok(await services.privacyRequests.close(staffContext(request), request.params.id, status, request.body.outcome)),
      );
    }
  });
}
