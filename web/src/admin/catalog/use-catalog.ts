import { ApiError, type EnvelopeData, type paths } from '@reservehub/api-client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { adminKeys } from '../admin-keys.ts';
import { adminApi } from '../session/session.ts';
import { errorText } from '../ui/error-text.ts';
import { calendarPrefix, catalogKeys } from './keys.ts';
import { allPages, type Page } from '../ui/all-pages.ts';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
export type Service = EnvelopeData<Json<paths['/api/v1/services/{id}']['get']['responses']['200']>>;
export type Category = EnvelopeData<Json<paths['/api/v1/service-categories']['get']['responses']['200']>>[number];
export type Resource = EnvelopeData<Json<paths['/api/v1/resources']['get']['responses']['200']>>[number];
export type Location = EnvelopeData<Json<paths['/api/v1/locations']['get']['responses']['200']>>[number];
export type TeamUser = EnvelopeData<Json<paths['/api/v1/users']['get']['responses']['200']>>[number];
export type Tier = EnvelopeData<Json<paths['/api/v1/services/{id}/pricing']['get']['responses']['200']>>[number];
export type ServiceBody = NonNullable<paths['/api/v1/services']['post']['requestBody']>['content']['application/json'];
export type ServicePatch = NonNullable<paths['/api/v1/services/{id}']['patch']['requestBody']>['content']['application/json'];
export type ResourceBody = NonNullable<paths['/api/v1/resources']['post']['requestBody']>['content']['application/json'];
export type ResourcePatch = NonNullable<paths['/api/v1/resources/{id}']['patch']['requestBody']>['content']['application/json'];
export type TierBody = NonNullable<paths['/api/v1/services/{id}/pricing']['post']['requestBody']>['content']['application/json'];
export type Deposit = Service['deposit'];
export type Policy = NonNullable<Service['cancellation_policy']>;

const page = (cursor: string | undefined) => ({ limit: 100, ...(cursor ? { cursor } : {}) });

/** Every service, archived ones included (the page hides those unless asked). */
export function useServices(enabled = true) {
  return useQuery({
    queryKey: catalogKeys.services,
    enabled,
    queryFn: () => allPages<Service>((cursor) => adminApi.raw.GET('/api/v1/services', { params: { query: page(cursor) } }) as Promise<Page<Service>>),
  });
}

export function useCategories(enabled = true) {
  return useQuery({
    queryKey: catalogKeys.categories,
    enabled,
    queryFn: () => allPages<Category>((cursor) => adminApi.raw.GET('/api/v1/service-categories', { params: { query: page(cursor) } }) as Promise<Page<Category>>),
  });
}

export function useResources() {
  return useQuery({
    queryKey: adminKeys.resources,
    queryFn: () => adminApi.get('/api/v1/resources', { params: { query: { limit: 100 } } }),
    staleTime: 300_000,
  });
}

export function useLocations() {
  return useQuery({ queryKey: adminKeys.locations, queryFn: () => adminApi.get('/api/v1/locations', { params: { query: { limit: 100 } } }), staleTime: 300_000 });
}

/** The team, to link a staff resource to a person's account (only for roles that may read users). */
export function useTeam(enabled: boolean) {
  return useQuery({
    queryKey: catalogKeys.users,
    enabled,
    queryFn: () => allPages<TeamUser>((cursor) => adminApi.raw.GET('/api/v1/users', { params: { query: page(cursor) } }) as Promise<Page<TeamUser>>, 5),
    staleTime: 300_000,
  });
}

export function useTiers(serviceId: string | null) {
  return useQuery({
    queryKey: catalogKeys.tiers(serviceId ?? ''),
    enabled: serviceId !== null,
    queryFn: () => adminApi.get('/api/v1/services/{id}/pricing', { params: { path: { id: serviceId ?? '' } } }),
  });
}

function useRefresh() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: catalogKeys.all }),
      queryClient.invalidateQueries({ queryKey: adminKeys.resources }),
      queryClient.invalidateQueries({ queryKey: calendarPrefix }),
    ]);
}

/** POST or PATCH a service. */
export function useSaveService() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: ServiceBody | ServicePatch }): Promise<Service> =>
      id === null ? adminApi.post('/api/v1/services', { body: body as ServiceBody }) : adminApi.patch('/api/v1/services/{id}', { params: { path: { id } }, body: body as ServicePatch }),
    onSettled: refresh,
  });
}

/** DELETE a service: gone, or archived when bookings refer to it. */
export function useRemoveService() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (id: string) => adminApi.delete('/api/v1/services/{id}', { params: { path: { id } } }),
    onSettled: refresh,
  });
}

export function useSaveCategory() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ id, name }: { id: string | null; name: string }) =>
      id === null
        ? adminApi.post('/api/v1/service-categories', { body: { name } })
        : adminApi.patch('/api/v1/service-categories/{id}', { params: { path: { id } }, body: { name } }),
    onSettled: refresh,
  });
}

export function useRemoveCategory() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (id: string) => adminApi.delete('/api/v1/service-categories/{id}', { params: { path: { id } } }),
    onSettled: refresh,
  });
}

/** POST or PUT a price tier, or DELETE it (`body` null). */
export function useSaveTier(serviceId: string) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: TierBody | null }) => {
      if (body === null) return adminApi.delete('/api/v1/services/{id}/pricing/{tier_id}', { params: { path: { id: serviceId, tier_id: id ?? '' } } });
      return id === null
        ? adminApi.post('/api/v1/services/{id}/pricing', { params: { path: { id: serviceId } }, body })
        : adminApi.put('/api/v1/services/{id}/pricing/{tier_id}', { params: { path: { id: serviceId, tier_id: id } }, body });
    },
    onSettled: refresh,
  });
}

/**
 * Saves a resource and the services it delivers: the resource first, then each service whose
 * `resource_ids` gains or loses it (the link lives on the service).
 */
export function useSaveResource() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: async ({ id, body, services, delivers }: { id: string | null; body: ResourceBody | ResourcePatch; services: readonly Service[]; delivers: ReadonlySet<string> }) => {
      const saved =
        id === null
          ? await adminApi.post('/api/v1/resources', { body: body as ResourceBody })
          : await adminApi.patch('/api/v1/resources/{id}', { params: { path: { id } }, body: body as ResourcePatch });
      for (const service of services) {
        const linked = service.resource_ids.includes(saved.id);
        const wanted = delivers.has(service.id);
        if (linked === wanted) continue;
        const resourceIds = wanted ? [...service.resource_ids, saved.id] : service.resource_ids.filter((resourceId) => resourceId !== saved.id);
        await adminApi.patch('/api/v1/services/{id}', { params: { path: { id: service.id } }, body: { resource_ids: resourceIds } });
      }
      return saved;
    },
    onSettled: refresh,
  });
}

export function useUpdateResourceStatus() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ id, status }: { id: string; status: 'active' | 'inactive' }) => adminApi.patch('/api/v1/resources/{id}', { params: { path: { id } }, body: { status } }),
    onSettled: refresh,
  });
}

export function useRemoveResource() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (id: string) => adminApi.delete('/api/v1/resources/{id}', { params: { path: { id } } }),
    onSettled: refresh,
  });
}

/** The fields a validation refusal names, first message each: `body.deposit.value` → `deposit.value`. */
export function fieldIssues(error: unknown): Map<string, string> {
  const found = new Map<string, string>();
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return found;
  for (const issue of error.details as Array<{ field?: unknown; message?: unknown }>) {
    if (typeof issue.field !== 'string') continue;
    const field = issue.field.replace(/^body\.?/, '');
    if (!found.has(field)) found.set(field, typeof issue.message === 'string' ? issue.message : '');
  }
  return found;
}

/** One sentence for a failure: this screen's own words for its cases, else the dashboard's. */
export function catalogErrorText(error: unknown, t: TFunction<['catalog', 'admin']>): string {
  if (error instanceof ApiError) {
    const own = t(`errors.${error.code}`, { ns: 'catalog', defaultValue: '' });
    if (own && error.code !== 'VALIDATION_ERROR') return own;
    if (error.code === 'VALIDATION_ERROR' && fieldIssues(error).size > 0) return t('errors.fields', { ns: 'catalog' });
  }
  return errorText(error, t as unknown as TFunction<'admin'>);
}
