import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { notFound } from '../../platform/http/errors.ts';
import { assertPublicBookingOpen, businessSettingsOf, defaultBusiness, embedOriginsOf } from '../tenancy/index.ts';
import { withGuestTerms } from './cancellation-policy.ts';
import type { BookingPage } from './booking-page.schemas.ts';
import type { CategoriesRepository } from './categories.repository.ts';
import type { LocationsRepository } from './locations.repository.ts';
import type { ServicesRepository } from './services.repository.ts';
import { toServiceView } from './services.service.ts';

interface BookingPageDeps {
  db: Db;
  services: ServicesRepository;
  categories: CategoriesRepository;
  locations: LocationsRepository;
}

/** A booking page lists at most this many services; businesses with more need search (later). */
export const BOOKING_PAGE_SERVICE_LIMIT = 200;

/** The public booking page of a tenant's (first) business: profile, categories and active services. */
export class BookingPageService {
  readonly #deps: BookingPageDeps;

  constructor(deps: BookingPageDeps) {
    this.#deps = deps;
  }

  async get(tenantId: string): Promise<BookingPage> {
    const { db, services, categories, locations } = this.#deps;
    return withTenant(db, tenantId, async (trx) => {
      await assertPublicBookingOpen(trx, tenantId);
      const business = await defaultBusiness(trx, tenantId);
      if (!business) throw notFound('Business');
      const [categoryRows, serviceRows, locationRows] = await Promise.all([
        categories.list(trx, tenantId, { businessId: business.id, status: 'active', limit: BOOKING_PAGE_SERVICE_LIMIT }),
        services.list(trx, tenantId, { businessId: business.id, status: 'active', limit: BOOKING_PAGE_SERVICE_LIMIT }),
        locations.list(trx, tenantId, { businessId: business.id, status: 'active', limit: BOOKING_PAGE_SERVICE_LIMIT }),
      ]);
      return {
        business: {
          name: business.name,
          slug: business.slug,
          description: business.description,
          logo_url: business.logo_url,
          website: business.website,
          phone: business.phone,
          email: business.email,
          address: business.address,
          timezone: business.timezone,
          currency: business.currency,
          accent_color: businessSettingsOf(business.settings).accent_color ?? null,
          embed_origins: embedOriginsOf(business.settings),
        },
        locations: locationRows.slice(0, BOOKING_PAGE_SERVICE_LIMIT).map((row) => ({
          id: row.id,
          name: row.name,
          address: row.address,
          timezone: row.timezone,
          phone: row.phone,
        })),
        categories: categoryRows.map((row) => ({ id: row.id, name: row.name, description: row.description, color: row.color })),
        // The repository reads one row past the limit (for paging); the page shows the first ones.
        services: serviceRows.slice(0, BOOKING_PAGE_SERVICE_LIMIT).map((row) => {
          const view = toServiceView(row);
          return {
            id: view.id,
            category_id: view.category_id,
            name: view.name,
            description: view.description,
            duration_minutes: view.duration_minutes,
            price: view.price,
            deposit: view.deposit,
            // Guests are held to the guest terms: spelled out, so the page shows what applies (§2.1.5 defaults included).
            cancellation_policy: view.cancellation_policy === null ? null : withGuestTerms(view.cancellation_policy),
            resource_ids: view.resource_ids,
          };
        }),
      };
    });
  }
}
