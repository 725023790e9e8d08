/**
 * GET /api/v1/booking-page: what a public booking page shows, named by X-Tenant.
 * Only the named tenant's active services; nothing internal; unknown or missing tenant refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, signupTenant, startTestApp, type TenantOwner, type TestApp } from '../support/factories.ts';

let t: TestApp;
let salon: TenantOwner;
let other: TenantOwner;

interface Page {
  business: Record<string, unknown>;
  categories: Array<{ id: string; name: string }>;
  services: Array<{ id: string; name: string; category_id: string | null; price: { amount: number; currency: string } }>;
  locations: Array<Record<string, unknown>>;
}

async function create(owner: TenantOwner, url: string, payload: Record<string, unknown>): Promise<string> {
  const response = await t.server.inject({ method: 'POST', url, headers: owner.headers, payload });
  expect(response.statusCode, response.body).toBe(201);
  return body<{ id: string }>(response).data.id;
}

async function serviceFor(owner: TenantOwner, name: string, categoryId?: string): Promise<string> {
  const locationId = await create(owner, '/api/v1/locations', { name: 'Centro', timezone: 'Europe/Madrid', address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' } });
  const resourceId = await create(owner, '/api/v1/resources', { location_id: locationId, name: 'Marta', type: 'staff' });
  return create(owner, '/api/v1/services', {
    name,
    duration_minutes: 30,
    resource_ids: [resourceId],
    price: { amount: 2500, currency: 'EUR' },
    ...(categoryId ? { category_id: categoryId } : {}),
  });
}

const page = (slug?: string) => t.server.inject({ method: 'GET', url: '/api/v1/booking-page', headers: slug ? { 'x-tenant': slug } : {} });

beforeAll(async () => {
  t = await startTestApp();
  salon = await signupTenant(t, { tenant_name: 'Salón Lucía' });
  other = await signupTenant(t, { tenant_name: 'Otra Casa' });
});
afterAll(async () => {
  await t?.close();
});

describe('public booking page', () => {
  it("lists the named business's active services with their category, and nothing of another tenant", async () => {
    const categoryId = await create(salon, '/api/v1/service-categories', { name: 'Cabello' });
    const cut = await serviceFor(salon, 'Corte', categoryId);
    const archived = await serviceFor(salon, 'Retirado');
    const archive = await t.server.inject({ method: 'PATCH', url: `/api/v1/services/${archived}`, headers: salon.headers, payload: { status: 'archived' } });
    expect(archive.statusCode, archive.body).toBe(200);
    await serviceFor(other, 'De otro');

    const response = await page(salon.tenant.slug);
    expect(response.statusCode, response.body).toBe(200);
    const data = body<Page>(response).data;
    expect(data.business).toMatchObject({ name: 'Salón Lucía', timezone: salon.business.timezone, currency: salon.business.currency, accent_color: null });
    expect(data.business).not.toHaveProperty('settings');
    expect(data.services.map((service) => service.name)).toEqual(['Corte']);
    expect(data.services[0]).toMatchObject({ id: cut, category_id: categoryId, price: { amount: 2500, currency: 'EUR' } });
    expect(data.categories).toEqual([expect.objectContaining({ id: categoryId, name: 'Cabello' })]);
    // Where the customer goes: the active locations' public details (each service above made one).
    expect(data.locations).toHaveLength(2);
    expect(data.locations[0]).toEqual({
      id: expect.any(String),
      name: 'Centro',
      address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' },
      timezone: 'Europe/Madrid',
      phone: null,
    });
  });

  it('needs the business named: 400 without X-Tenant, 404 for an unknown one', async () => {
    const missing = await page();
    expect(missing.statusCode).toBe(400);
    expect(body(missing).error?.code).toBe('VALIDATION_ERROR');
    const unknown = await page('no-such-business-anywhere');
    expect(unknown.statusCode).toBe(404);
    expect(body(unknown).error?.code).toBe('TENANT_NOT_FOUND');
  });
});
