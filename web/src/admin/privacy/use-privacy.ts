import type { EnvelopeData, paths } from '@reservehub/api-client';
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminKeys } from '../admin-keys.ts';
import { adminApi } from '../session/session.ts';
import { allPages, pageOf, type Page } from '../ui/all-pages.ts';
import { privacyKeys } from './keys.ts';
import { byDueDate } from './privacy-facts.ts';

export type PrivacyRequest = EnvelopeData<paths['/api/v1/privacy-requests']['get']['responses']['200']['content']['application/json']>[number];
export type NewPrivacyRequest = NonNullable<paths['/api/v1/privacy-requests']['post']['requestBody']>['content']['application/json'];
export type PrivacyKind = PrivacyRequest['kind'];
export type LoggedChannel = NewPrivacyRequest['channel'];
export type Tenant = EnvelopeData<paths['/api/v1/tenants/{id}']['get']['responses']['200']['content']['application/json']>;
export type TenantSettingsPatch = NonNullable<NonNullable<paths['/api/v1/tenants/{id}']['patch']['requestBody']>['content']['application/json']['settings']>;

/** What the list shows: the open ones (default), only the overdue ones, the closed ones, or all. */
export type RequestView = 'open' | 'overdue' | 'completed' | 'refused' | 'all';

export const KINDS: readonly PrivacyKind[] = ['access', 'erasure', 'rectification', 'restriction', 'objection', 'portability'];
export const LOGGED_CHANNELS: readonly LoggedChannel[] = ['email', 'phone', 'post', 'other'];
export const VIEWS: readonly RequestView[] = ['open', 'overdue', 'completed', 'refused', 'all'];

/**
 * GET /privacy-requests?status=open: every open request (pages of 100, at most 1,000), the
 * earliest due first. Open requests are few and all of them matter, so none hides behind "more".
 */
export function useOpenRequests(kind: PrivacyKind | null, enabled = true) {
  return useQuery({
    queryKey: privacyKeys.open(kind),
    enabled,
    queryFn: async () =>
      byDueDate(
        await allPages<PrivacyRequest>(
          (cursor) =>
            adminApi.raw.GET('/api/v1/privacy-requests', {
              params: { query: { status: 'open', limit: 100, ...(kind ? { kind } : {}), ...(cursor ? { cursor } : {}) } },
            }) as Promise<Page<PrivacyRequest>>,
        ),
      ),
  });
}

/** GET /privacy-requests with a status (or none, for all): newest first, 20 a page ("Show more"). */
export function useRequestList(view: Exclude<RequestView, 'open'>, kind: PrivacyKind | null, enabled = true) {
  return useInfiniteQuery({
    queryKey: privacyKeys.list(view, kind),
    enabled,
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      pageOf(
        (await adminApi.raw.GET('/api/v1/privacy-requests', {
          params: { query: { limit: 20, ...(view === 'all' ? {} : { status: view }), ...(kind ? { kind } : {}), ...(pageParam ? { cursor: pageParam } : {}) } },
        })) as Page<PrivacyRequest>,
      ),
    getNextPageParam: (last) => last.next,
    placeholderData: keepPreviousData,
  });
}

/** POST /privacy-requests: a request that came in by e-mail, phone, post or otherwise. */
export function useLogRequest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NewPrivacyRequest) => adminApi.post('/api/v1/privacy-requests', { body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: privacyKeys.requests }),
  });
}

/** POST /privacy-requests/{id}/complete or /refuse, with the outcome in the business's words (required to refuse). */
export function useCloseRequest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, verb, outcome }: { id: string; verb: 'complete' | 'refuse'; outcome: string }) =>
      verb === 'complete'
        ? adminApi.post('/api/v1/privacy-requests/{id}/complete', { params: { path: { id } }, body: outcome ? { outcome } : {} })
        : adminApi.post('/api/v1/privacy-requests/{id}/refuse', { params: { path: { id } }, body: outcome ? { outcome } : {} }),
    // A conflict (closed meanwhile) refreshes too: the list then shows how it was closed.
    onSettled: () => void queryClient.invalidateQueries({ queryKey: privacyKeys.requests }),
  });
}

/** Extends an open request's deadline once (GDPR Art. 12(3)), by one or two months, with the reason. */
export function useExtendRequest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, months, reason }: { id: string; months: number; reason: string }) =>
      adminApi.post('/api/v1/privacy-requests/{id}/extend', { params: { path: { id } }, body: { months, reason } }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: privacyKeys.requests }),
  });
}

/** GET /tenants/{id}: the business's account settings (the retention periods among them). */
export function useTenant(id: string, enabled = true) {
  return useQuery({ queryKey: privacyKeys.tenant(id), enabled, queryFn: () => adminApi.get('/api/v1/tenants/{id}', { params: { path: { id } } }) });
}

/** PATCH /tenants/{id} with retention settings; the tenant's cache and the signed-in person's business refresh. */
export function useSaveRetention(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (settings: TenantSettingsPatch) => adminApi.patch('/api/v1/tenants/{id}', { params: { path: { id } }, body: { settings } }),
    onSuccess: (tenant) => {
      queryClient.setQueryData(privacyKeys.tenant(id), tenant);
      void queryClient.invalidateQueries({ queryKey: adminKeys.me });
    },
  });
}
