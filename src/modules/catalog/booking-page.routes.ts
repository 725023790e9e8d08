import type { ApiRouter } from '../../platform/http/server.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import { bookingPageSchema } from './booking-page.schemas.ts';
import type { BookingPageService } from './booking-page.service.ts';

export function registerBookingPageRoutes(api: ApiRouter, bookingPage: BookingPageService): void {
  api.get(
    '/booking-page',
    {
      schema: {
        tags: ['Catalog: booking page'],
        summary: "The business's public booking page",
        description:
          'Public, with X-Tenant (or the business\'s custom domain): the business profile, its active categories and active services ' +
          '(at most 200), as the booking page and the widget show them. Nothing internal (settings, staff) is included.',
        response: { 200: envelopeSchema(bookingPageSchema) },
      },
      config: { access: { public: true, tenant: 'required' } },
    },
    async (request) => ok(await bookingPage.get(requireTenant(request))),
  );
}
