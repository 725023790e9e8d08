import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { EnvelopeData, paths } from '@reservehub/api-client';
import { adminApi } from '../../session/session.ts';
import { pageOf, type Page } from '../../ui/all-pages.ts';

type Data<P extends keyof paths> = paths[P] extends { get: { responses: { 200: { content: { 'application/json': infer J } } } } } ? EnvelopeData<J> : never;

export type TenantPeople = Data<'/api/v1/platform/tenants/{id}/people'>;
export type TenantMember = TenantPeople['members'][number];
export type TenantPayment = Data<'/api/v1/platform/tenants/{id}/payments'>[number];
export type TenantErrors = Data<'/api/v1/platform/tenants/{id}/errors'>;
export type TenantError = TenantErrors['errors'][number];

/** How many payments one page shows. */
export const PAYMENTS_PAGE = 10;

const keys = {
  people: (id: string) => ['platform', 'tenant', id, 'people'] as const,
  payments: (id: string) => ['platform', 'tenant', id, 'payments'] as const,
  errors: (id: string) => ['platform', 'tenant', id, 'errors'] as const,
};

/** The business's members and pending invitations. */
export function useTenantPeople(tenantId: string) {
  return useQuery({ queryKey: keys.people(tenantId), queryFn: () => adminApi.get('/api/v1/platform/tenants/{id}/people', { params: { path: { id: tenantId } } }) });
}

/** The business's customer payments, newest first, one page after another. */
export function useTenantPayments(tenantId: string) {
  return useInfiniteQuery({
    queryKey: keys.payments(tenantId),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      pageOf(
        (await adminApi.raw.GET('/api/v1/platform/tenants/{id}/payments', {
          params: { path: { id: tenantId }, query: { limit: PAYMENTS_PAGE, ...(pageParam ? { cursor: pageParam } : {}) } },
        })) as Page<TenantPayment>,
      ),
    getNextPageParam: (last) => last.next,
  });
}

/** The business's failed jobs, webhook deliveries and messages of the last 7 days. */
export function useTenantErrors(tenantId: string) {
  return useQuery({ queryKey: keys.errors(tenantId), queryFn: () => adminApi.get('/api/v1/platform/tenants/{id}/errors', { params: { path: { id: tenantId } } }) });
}
