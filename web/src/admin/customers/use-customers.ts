import { ApiError, isErrorEnvelope, type EnvelopeData, type paths } from '@reservehub/api-client';
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminKeys } from '../admin-keys.ts';
import type { Booking } from '../desk/use-desk.ts';
import { adminApi } from '../session/session.ts';
import { exportFileName, fullName } from './customer-facts.ts';
import { customerKeys } from './keys.ts';

export type Customer = EnvelopeData<paths['/api/v1/customers/{id}']['get']['responses']['200']['content']['application/json']>;
export type Consent = EnvelopeData<paths['/api/v1/customers/{id}/consents']['get']['responses']['200']['content']['application/json']>[number];
export type MergeResult = EnvelopeData<paths['/api/v1/customers/{id}/merge']['post']['responses']['200']['content']['application/json']>;
export type DeletionReport = EnvelopeData<paths['/api/v1/customers/{id}']['delete']['responses']['200']['content']['application/json']>;
export type CustomerUpdate = NonNullable<paths['/api/v1/customers/{id}']['patch']['requestBody']>['content']['application/json'];

interface Page<T> {
  data?: { data: T[]; metadata?: { pagination?: { cursor: string | null; has_more: boolean } } };
  error?: unknown;
  response: Response;
}

function failure(response: Response, error: unknown): ApiError {
  const envelope = isErrorEnvelope(error) ? error.error : { code: 'INVALID_RESPONSE', message: response.statusText };
  return new ApiError({ ...envelope, status: response.status, requestId: response.headers.get('x-request-id') });
}

const PAGE_SIZE = 20;

/**
 * GET /customers: newest first, or matching `search` (an exact email or phone, or word starts of
 * the name); one page of 20 at a time through the API's cursor ("Show more").
 */
export function useCustomerList(search: string) {
  return useInfiniteQuery({
    queryKey: customerKeys.list(search),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => {
      const { data, error, response } = (await adminApi.raw.GET('/api/v1/customers', {
        params: { query: { limit: PAGE_SIZE, ...(search ? { search } : {}), ...(pageParam ? { cursor: pageParam } : {}) } },
      })) as Page<Customer>;
      if (!response.ok || !data) throw failure(response, error);
      return { items: data.data, next: data.metadata?.pagination?.has_more ? (data.metadata.pagination.cursor ?? undefined) : undefined };
    },
    getNextPageParam: (last) => last.next,
    placeholderData: keepPreviousData,
  });
}

/**
 * The customer a booking number belongs to: the customers API has no booking numbers, the
 * bookings list finds a booking by its number (`GET /bookings?search=BK-…`).
 */
export function useBookingNumberMatch(number: string | null) {
  return useQuery({
    queryKey: customerKeys.byBookingNumber(number ?? ''),
    enabled: number !== null,
    queryFn: async () => {
      const [booking] = await adminApi.get('/api/v1/bookings', { params: { query: { search: number ?? '', limit: 1 } } });
      return booking ?? null;
    },
  });
}

/** GET /customers/{id} (audited on the server). */
export function useCustomer(id: string) {
  return useQuery({
    queryKey: customerKeys.detail(id),
    queryFn: () => adminApi.get('/api/v1/customers/{id}', { params: { path: { id } } }),
    retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 2,
  });
}

/** Every booking of a customer (the API answers oldest first, 100 a page; at most 1,000). */
export function useCustomerBookings(id: string | null) {
  return useQuery({
    queryKey: customerKeys.bookings(id ?? ''),
    enabled: id !== null,
    staleTime: 30_000,
    queryFn: async () => {
      const items: Booking[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page += 1) {
        const { data, error, response } = (await adminApi.raw.GET('/api/v1/bookings', {
          params: { query: { customer_id: id ?? '', limit: 100, ...(cursor ? { cursor } : {}) } },
        })) as Page<Booking>;
        if (!response.ok || !data) throw failure(response, error);
        items.push(...data.data);
        const next = data.metadata?.pagination;
        if (!next?.has_more || !next.cursor) return { items, complete: true };
        cursor = next.cursor;
      }
      return { items, complete: false };
    },
  });
}

/** GET /customers/{id}/consents. */
export function useConsents(id: string) {
  return useQuery({ queryKey: customerKeys.consents(id), queryFn: () => adminApi.get('/api/v1/customers/{id}/consents', { params: { path: { id } } }) });
}

/** PATCH /customers/{id}: contact details or notes; the profile and every list refresh. */
export function useUpdateCustomer(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CustomerUpdate) => adminApi.patch('/api/v1/customers/{id}', { params: { path: { id } }, body }),
    onSuccess: (customer) => {
      queryClient.setQueryData(customerKeys.detail(id), customer);
      void queryClient.invalidateQueries({ queryKey: [...customerKeys.all, 'list'] });
    },
  });
}

/** POST /customers/{id}/consents/{consent_id}/withdraw. */
export function useWithdrawConsent(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (consentId: string) =>
      adminApi.post('/api/v1/customers/{id}/consents/{consent_id}/withdraw', { params: { path: { id, consent_id: consentId } }, body: { source: 'staff' } }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: customerKeys.consents(id) });
      void queryClient.invalidateQueries({ queryKey: customerKeys.detail(id) });
    },
  });
}

/** POST /customers/{survivor}/merge: the duplicate's data, consents and bookings move to the survivor. */
export function useMergeCustomers() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ survivorId, duplicateId }: { survivorId: string; duplicateId: string }) =>
      adminApi.post('/api/v1/customers/{id}/merge', { params: { path: { id: survivorId } }, body: { duplicate_id: duplicateId } }),
    onSuccess: (result, { duplicateId }) => {
      queryClient.setQueryData(customerKeys.detail(result.customer.id), result.customer);
      queryClient.removeQueries({ queryKey: customerKeys.detail(duplicateId) });
      void queryClient.invalidateQueries({ queryKey: customerKeys.all });
      void queryClient.invalidateQueries({ queryKey: adminKeys.bookings });
    },
  });
}

/** DELETE /customers/{id}: the erasure, answering its report. */
export function useEraseCustomer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => adminApi.delete('/api/v1/customers/{id}', { params: { path: { id }, query: { reason: 'data_subject_request' } } }),
    onSuccess: () => {
      // The profile's own query is left alone: the page shows the report now, and a later visit reads 404.
      void queryClient.invalidateQueries({ queryKey: [...customerKeys.all, 'list'] });
      void queryClient.invalidateQueries({ queryKey: adminKeys.bookings });
    },
  });
}

/**
 * GET /customers/{id}/export (JSON), saved as a file: through the client, with the session's
 * token, which a plain link could not carry.
 */
export async function downloadExport(customer: Customer, prefix: string): Promise<string> {
  const data = await adminApi.get('/api/v1/customers/{id}/export', { params: { path: { id: customer.id }, query: { format: 'json' } } });
  const name = exportFileName(prefix, fullName(customer));
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
