import { ApiError, type EnvelopeData, type paths } from '@reservehub/api-client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import i18next, { type TFunction } from 'i18next';
import { adminApi } from '../session/session.ts';
import { errorText } from '../ui/error-text.ts';

export type Business = EnvelopeData<paths['/api/v1/businesses/{id}']['get']['responses']['200']['content']['application/json']>;
export type BusinessChange = NonNullable<paths['/api/v1/businesses/{id}']['patch']['requestBody']>['content']['application/json'];
export type CustomDomain = NonNullable<EnvelopeData<paths['/api/v1/tenants/{id}/domain']['get']['responses']['200']['content']['application/json']>>;
export type LogoType = 'image/png' | 'image/jpeg' | 'image/webp';

export const businessKeys = {
  business: ['admin', 'business', 'profile'] as const,
  language: ['admin', 'business', 'language'] as const,
  domain: (tenantId: string) => ['admin', 'business', 'domain', tenantId] as const,
};

/** The business this dashboard configures: the tenant's first (sign-up creates it). */
export function useOwnBusiness() {
  return useQuery({
    queryKey: businessKeys.business,
    queryFn: async () => (await adminApi.get('/api/v1/businesses'))[0] ?? null,
  });
}

/** Changes the business and puts the answer in the cache (the preview and the form read it). */
function useBusinessWrite<Input>(run: (input: Input) => Promise<Business>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: run, onSuccess: (business) => client.setQueryData(businessKeys.business, business) });
}

export const useSaveBusiness = (id: string) =>
  useBusinessWrite((body: BusinessChange) => adminApi.patch('/api/v1/businesses/{id}', { params: { path: { id } }, body }));

export const useUploadLogo = (id: string) =>
  useBusinessWrite((file: { content_type: LogoType; data: string }) => adminApi.put('/api/v1/businesses/{id}/logo', { params: { path: { id } }, body: file }));

export const useRemoveLogo = (id: string) => useBusinessWrite(() => adminApi.delete('/api/v1/businesses/{id}/logo', { params: { path: { id } } }));

/** The language messages go out in when the customer has none (the notification settings' own key). */
export function useDefaultLanguage() {
  return useQuery({ queryKey: businessKeys.language, queryFn: async () => (await adminApi.get('/api/v1/notification-settings')).default_language });
}

export function useSaveDefaultLanguage() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (language: 'es' | 'en' | null) => (await adminApi.patch('/api/v1/notification-settings', { body: { default_language: language } })).default_language,
    onSuccess: (language) => client.setQueryData(businessKeys.language, language),
  });
}

export function useCustomDomain(tenantId: string) {
  return useQuery({ queryKey: businessKeys.domain(tenantId), queryFn: () => adminApi.get('/api/v1/tenants/{id}/domain', { params: { path: { id: tenantId } } }) });
}

function useDomainWrite<Input>(tenantId: string, run: (input: Input) => Promise<CustomDomain | null>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: run, onSuccess: (domain) => client.setQueryData(businessKeys.domain(tenantId), domain) });
}

export const useAskDomain = (tenantId: string) =>
  useDomainWrite(tenantId, (host: string) => adminApi.put('/api/v1/tenants/{id}/domain', { params: { path: { id: tenantId } }, body: { host } }));
export const useVerifyDomain = (tenantId: string) =>
  useDomainWrite(tenantId, () => adminApi.post('/api/v1/tenants/{id}/domain/verify', { params: { path: { id: tenantId } } }));
export const useRemoveDomain = (tenantId: string) =>
  useDomainWrite(tenantId, () => adminApi.delete('/api/v1/tenants/{id}/domain', { params: { path: { id: tenantId } } }));

/** The file as the API takes it: its type as the browser names it, and its bytes in base64. */
export async function readLogo(file: File): Promise<{ content_type: LogoType; data: string }> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let start = 0; start < bytes.length; start += 0x8000) binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  return { content_type: file.type as LogoType, data: btoa(binary) };
}

/** A refusal in the screen's own words (`<screen>:errors.<reason or code>`), else in the dashboard's. */
export function screenErrorText(error: unknown, screen: 'business' | 'domain', t: TFunction<'admin'>): string {
  if (error instanceof ApiError) {
    const reason = typeof error.details === 'object' && error.details !== null ? (error.details as { reason?: unknown }).reason : undefined;
    for (const key of [reason, error.code]) {
      if (typeof key === 'string' && i18next.exists(`${screen}:errors.${key}`)) return i18next.t(`${screen}:errors.${key}`);
    }
  }
  return errorText(error, t);
}
