import type { EnvelopeData, paths } from '@reservehub/api-client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminApi } from '../session/session.ts';
import { developerKeys } from './keys.ts';

type Json<Path extends keyof paths, Method extends 'get' | 'post' | 'patch', Status extends number> = paths[Path][Method] extends {
  responses: Record<Status, { content: { 'application/json': infer Body } }>;
}
  ? EnvelopeData<Body>
  : never;

export type Endpoint = Json<'/api/v1/webhook-endpoints', 'get', 200>[number];
export type Delivery = Json<'/api/v1/webhook-endpoints/{id}/deliveries', 'get', 200>[number];
export type ApiKey = Json<'/api/v1/api-keys', 'get', 200>[number];
export type Feed = Json<'/api/v1/calendar/feeds', 'get', 200>[number];
export type Resource = Json<'/api/v1/resources', 'get', 200>[number];
type EndpointBody = NonNullable<paths['/api/v1/webhook-endpoints']['post']['requestBody']>['content']['application/json'];
type EndpointPatch = NonNullable<paths['/api/v1/webhook-endpoints/{id}']['patch']['requestBody']>['content']['application/json'];
export type WebhookEvent = EndpointBody['events'][number];

/**
 * The webhook event catalogue (the API's enum, docs/events.md), in the picker's order. The type
 * check below fails the build when the API gains an event this list does not name.
 */
export const WEBHOOK_EVENTS = [
  'booking.created',
  'booking.updated',
  'booking.cancelled',
  'booking.completed',
  'booking.no_show',
  'payment.succeeded',
  'payment.failed',
  'payment.refunded',
  'customer.created',
  'customer.updated',
] as const satisfies readonly WebhookEvent[];
type Unlisted = Exclude<WebhookEvent, (typeof WEBHOOK_EVENTS)[number]>;
export const EVENT_LIST_COMPLETE: [Unlisted] extends [never] ? true : false = true;

/** How often an open delivery log asks for news (a delivery usually lands within a second or two). */
const DELIVERY_POLL_MS = 3_000;

export function useEndpoints(enabled: boolean) {
  // Each endpoint's health (failing since, last success) changes with deliveries: re-read now and then.
  return useQuery({ queryKey: developerKeys.endpoints, queryFn: () => adminApi.get('/api/v1/webhook-endpoints', { params: { query: { limit: 100 } } }), enabled, refetchInterval: 30_000 });
}

export function useDeliveries(endpointId: string | null) {
  return useQuery({
    queryKey: developerKeys.deliveries(endpointId ?? ''),
    queryFn: () => adminApi.get('/api/v1/webhook-endpoints/{id}/deliveries', { params: { path: { id: endpointId ?? '' }, query: { limit: 50 } } }),
    enabled: endpointId !== null,
    refetchInterval: DELIVERY_POLL_MS,
  });
}

export function useEndpointMutations() {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: developerKeys.endpoints });
  return {
    create: useMutation({
      mutationFn: (body: EndpointBody) => adminApi.post('/api/v1/webhook-endpoints', { body }),
      onSuccess: refresh,
    }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: string; body: EndpointPatch }) => adminApi.patch('/api/v1/webhook-endpoints/{id}', { params: { path: { id } }, body }),
      onSuccess: refresh,
    }),
    rotate: useMutation({
      mutationFn: (id: string) => adminApi.post('/api/v1/webhook-endpoints/{id}/rotate-secret', { params: { path: { id } }, body: { overlap_hours: 24 } }),
      onSuccess: refresh,
    }),
    remove: useMutation({
      mutationFn: (id: string) => adminApi.delete('/api/v1/webhook-endpoints/{id}', { params: { path: { id } } }),
      onSuccess: refresh,
    }),
  };
}

export function useReplay(endpointId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) => adminApi.post('/api/v1/webhook-deliveries/{id}/replay', { params: { path: { id: deliveryId } } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: developerKeys.deliveries(endpointId) }),
  });
}

export function useApiKeys(enabled: boolean) {
  return useQuery({ queryKey: developerKeys.apiKeys, queryFn: () => adminApi.get('/api/v1/api-keys'), enabled });
}

export function useApiKeyMutations() {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: developerKeys.apiKeys });
  return {
    create: useMutation({
      mutationFn: (body: { name: string; permissions?: string[] }) => adminApi.post('/api/v1/api-keys', { body }),
      onSuccess: refresh,
    }),
    revoke: useMutation({
      mutationFn: (id: string) => adminApi.delete('/api/v1/api-keys/{id}', { params: { path: { id } } }),
      onSuccess: refresh,
    }),
  };
}

export function useFeeds(enabled: boolean) {
  return useQuery({ queryKey: developerKeys.feeds, queryFn: () => adminApi.get('/api/v1/calendar/feeds', { params: { query: { limit: 100 } } }), enabled });
}

export function useFeedResources(enabled: boolean) {
  return useQuery({ queryKey: developerKeys.resources, queryFn: () => adminApi.get('/api/v1/resources', { params: { query: { limit: 100 } } }), enabled, staleTime: 60_000 });
}

export function useFeedMutations() {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: developerKeys.feeds });
  return {
    create: useMutation({
      mutationFn: (body: { resource_id: string; name?: string }) => adminApi.post('/api/v1/calendar/feeds', { body: { kind: 'resource', ...body } }),
      onSuccess: refresh,
    }),
    revoke: useMutation({
      mutationFn: (id: string) => adminApi.delete('/api/v1/calendar/feeds/{id}', { params: { path: { id } } }),
      onSuccess: refresh,
    }),
  };
}

/** The sites the business lets frame its widget (settings.embed_origins; empty: any site). */
export function useEmbedOrigins(enabled: boolean) {
  return useQuery({
    queryKey: developerKeys.businesses,
    queryFn: () => adminApi.get('/api/v1/businesses'),
    enabled,
    staleTime: 60_000,
    select: (businesses): string[] => {
      const origins = businesses[0]?.settings.embed_origins;
      return Array.isArray(origins) ? origins.filter((origin): origin is string => typeof origin === 'string') : [];
    },
  });
}
