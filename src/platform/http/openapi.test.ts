import { describe, expect, it } from 'vitest';
import { errorStatusesFor, operationIdFor, securityFor } from './openapi.ts';

describe('operationIdFor', () => {
  it.each([
    ['GET', '/api/v1/bookings', 'getBookings'],
    ['GET', '/api/v1/bookings/:id', 'getBookingsById'],
    ['PATCH', '/api/v1/bookings/{id}', 'patchBookingsById'],
    ['POST', '/api/v1/services/:id/pricing', 'postServicesPricingById'],
    ['DELETE', '/api/v1/services/:id/pricing/:tier_id', 'deleteServicesPricingByIdAndTierId'],
    ['POST', '/api/v1/notification-templates/preview', 'postNotificationTemplatesPreview'],
    ['GET', '/.well-known/jwks.json', 'getWellKnownJwksJson'],
    ['GET', '/api/v1', 'getRoot'],
  ])('%s %s → %s', (method, url, expected) => {
    expect(operationIdFor(method, url)).toBe(expected);
  });
});

describe('securityFor follows the declared access', () => {
  it.each([
    ['permission', { permission: ['read', 'Booking'] as const }, [{ bearerJwt: [] }, { apiKey: [] }]],
    ['authenticated', { authenticated: true as const }, [{ bearerJwt: [] }, { apiKey: [] }]],
    ['undeclared (the server requires a credential)', undefined, [{ bearerJwt: [] }, { apiKey: [] }]],
    ['public, tenant required', { public: true as const, tenant: 'required' as const }, [{ tenant: [] }, { bearerJwt: [] }, { apiKey: [] }]],
    ['public, no tenant', { public: true as const, tenant: 'none' as const }, []],
    ['public, tenant optional', { public: true as const, tenant: 'optional' as const }, [{}, { tenant: [] }, { bearerJwt: [] }, { apiKey: [] }]],
  ])('%s', (_name, access, expected) => {
    expect(securityFor(access)).toEqual(expected);
  });
});

describe('errorStatusesFor', () => {
  it('a permission-guarded write with a body and a path id can answer every platform error', () => {
    const operation = { security: securityFor({ permission: ['update', 'Booking'] }), 'x-required-permission': {}, parameters: [{ in: 'path' }], requestBody: {} };
    expect(errorStatusesFor('patch', operation)).toEqual([400, 401, 403, 404, 409, 413, 415, 422, 429, 500]);
  });

  it('a public call without tenant or credential never answers 401, 403 or 404', () => {
    expect(errorStatusesFor('get', { security: securityFor({ public: true, tenant: 'none' }) })).toEqual([400, 429, 500]);
  });
});
