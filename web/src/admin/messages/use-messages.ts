import { ApiError, isErrorEnvelope, type EnvelopeData, type paths } from '@reservehub/api-client';
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminApi } from '../session/session.ts';
import { messageKeys } from './keys.ts';

type Json<P extends keyof paths, M extends 'get' | 'post' | 'patch'> = paths[P][M] extends { responses: infer R }
  ? R extends { 200: { content: { 'application/json': infer B } } }
    ? EnvelopeData<B>
    : R extends { 201: { content: { 'application/json': infer B } } }
      ? EnvelopeData<B>
      : R extends { 202: { content: { 'application/json': infer B } } }
        ? EnvelopeData<B>
        : never
  : never;

export type CatalogueEntry = Json<'/api/v1/notification-templates/catalogue', 'get'>[number];
export type Template = Json<'/api/v1/notification-templates/{id}', 'get'>;
export type Preview = Json<'/api/v1/notification-templates/preview', 'post'>;
export type Message = Json<'/api/v1/notifications', 'get'>[number];
export type MessageDetail = Json<'/api/v1/notifications/{id}', 'get'>;
export type NotificationSettings = Json<'/api/v1/notification-settings', 'get'>;
export type Business = Json<'/api/v1/businesses/{id}', 'get'>;
export type TemplateKey = NonNullable<paths['/api/v1/notification-templates/preview']['post']['requestBody']>['content']['application/json']['event_type'];
export type Channel = Message['channel'];
export type MessageStatus = Message['status'];
export type Language = 'es' | 'en';
export type SettingsChange = NonNullable<paths['/api/v1/notification-settings']['patch']['requestBody']>['content']['application/json'];

interface Page<T> {
  data?: { data: T[]; metadata?: { pagination?: { cursor: string | null; has_more: boolean } } };
  error?: unknown;
  response: Response;
}

function failure(response: Response, error: unknown): ApiError {
  const envelope = isErrorEnvelope(error) ? error.error : { code: 'INVALID_RESPONSE', message: response.statusText };
  return new ApiError({ ...envelope, status: response.status, requestId: response.headers.get('x-request-id') });
}

/** GET /notification-templates/catalogue: every message, its variables and built-in texts (never changes while the page is open). */
export function useCatalogue() {
  return useQuery({ queryKey: messageKeys.catalogue, queryFn: () => adminApi.get('/api/v1/notification-templates/catalogue'), staleTime: Infinity });
}

/** Every template the business has written (the rest use the built-in texts). */
export function useTemplates() {
  return useQuery({
    queryKey: messageKeys.templates,
    queryFn: async () => {
      const all: Template[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page += 1) {
        const { data, error, response } = (await adminApi.raw.GET('/api/v1/notification-templates', {
          params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } },
        })) as Page<Template>;
        if (!response.ok || !data) throw failure(response, error);
        all.push(...data.data);
        const next = data.metadata?.pagination;
        if (!next?.has_more || !next.cursor) break;
        cursor = next.cursor;
      }
      return all;
    },
  });
}

export interface PreviewInput {
  event_type: TemplateKey;
  channel: Channel;
  language: Language;
  subject: string | null;
  body: string;
}

/** POST /notification-templates/preview with the editor's text (already debounced by the caller). */
export function usePreview(input: PreviewInput | null) {
  return useQuery({
    queryKey: messageKeys.preview({ ...input }),
    enabled: input !== null && input.body.trim() !== '',
    queryFn: () => adminApi.post('/api/v1/notification-templates/preview', { body: input as PreviewInput }),
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 60_000,
  });
}

/** Saves the editor's text: a change to the business's template, or a new one over the built-in text. */
export function useSaveTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string | null; event_type: TemplateKey; channel: Channel; language: Language; subject: string | null; body: string }) =>
      input.id
        ? adminApi.patch('/api/v1/notification-templates/{id}', { params: { path: { id: input.id } }, body: { subject: input.subject, body: input.body, is_active: true } })
        : adminApi.post('/api/v1/notification-templates', {
            body: { event_type: input.event_type, channel: input.channel, language: input.language, subject: input.subject, body: input.body },
          }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: messageKeys.templates }),
  });
}

/** DELETE /notification-templates/{id}: the built-in text applies again. */
export function useResetTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => adminApi.delete('/api/v1/notification-templates/{id}', { params: { path: { id } } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: messageKeys.templates }),
  });
}

const OUTBOX_PAGE = 20;

/** GET /notifications: newest first, 20 at a time ("Show more"), filtered by status and channel. */
export function useOutbox(filters: { status: MessageStatus | null; channel: Channel | null }) {
  return useInfiniteQuery({
    queryKey: messageKeys.outboxList(filters),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => {
      const { data, error, response } = (await adminApi.raw.GET('/api/v1/notifications', {
        params: {
          query: {
            limit: OUTBOX_PAGE,
            ...(filters.status ? { status: filters.status } : {}),
            ...(filters.channel ? { channel: filters.channel } : {}),
            ...(pageParam ? { cursor: pageParam } : {}),
          },
        },
      })) as Page<Message>;
      if (!response.ok || !data) throw failure(response, error);
      return { items: data.data, next: data.metadata?.pagination?.has_more ? (data.metadata.pagination.cursor ?? undefined) : undefined };
    },
    getNextPageParam: (last) => last.next,
    placeholderData: keepPreviousData,
    // Messages leave the queue within seconds: the list follows them while it is open.
    refetchInterval: 15_000,
  });
}

/** GET /notifications/{id}: one message with its HTML body; polled while it is still being sent. */
export function useMessage(id: string | null) {
  return useQuery({
    queryKey: messageKeys.message(id ?? ''),
    enabled: id !== null,
    queryFn: () => adminApi.get('/api/v1/notifications/{id}', { params: { path: { id: id ?? '' } } }),
    refetchInterval: (query) => (query.state.data?.status === 'pending' ? 2_000 : false),
  });
}

/** POST /notifications/{id}/resend: the same message again, to the address as it is now. */
export function useResend() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => adminApi.post('/api/v1/notifications/{id}/resend', { params: { path: { id } } }),
    onSuccess: (message) => queryClient.setQueryData(messageKeys.message(message.id), message),
    onSettled: () => queryClient.invalidateQueries({ queryKey: messageKeys.outbox }),
  });
}

export function useNotificationSettings() {
  return useQuery({ queryKey: messageKeys.settings, queryFn: () => adminApi.get('/api/v1/notification-settings') });
}

export function useSaveNotificationSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SettingsChange) => adminApi.patch('/api/v1/notification-settings', { body }),
    onSuccess: (settings) => queryClient.setQueryData(messageKeys.settings, settings),
  });
}

/** The business whose booking policies (verification, holds) live in its settings. */
export function useBusiness() {
  return useQuery({
    queryKey: messageKeys.business,
    queryFn: async () => {
      const [business] = await adminApi.get('/api/v1/businesses');
      return business ?? null;
    },
  });
}

export function useSaveBusinessPolicies() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; settings: { guest_verification: 'none' | 'otp'; payment_hold_minutes: number; waitlist_offer_minutes: number } }) =>
      adminApi.patch('/api/v1/businesses/{id}', { params: { path: { id: input.id } }, body: { settings: input.settings } }),
    onSuccess: (business) => queryClient.setQueryData(messageKeys.business, business),
  });
}
