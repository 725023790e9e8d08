import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { EnvelopeData, paths } from '@reservehub/api-client';
import { adminApi } from '../session/session.ts';
import { pageOf, type Page } from '../ui/all-pages.ts';

type Data<P extends keyof paths> = paths[P] extends { get: { responses: { 200: { content: { 'application/json': infer J } } } } } ? EnvelopeData<J> : never;

export type PrivacyRequest = Data<'/api/v1/platform/privacy-requests'>[number];
export type PrivacyFilters = Omit<NonNullable<paths['/api/v1/platform/privacy-requests']['get']['parameters']['query']>, 'cursor' | 'limit'>;
export type PrivacySummary = Data<'/api/v1/platform/privacy-requests/summary'>;
export type ComplianceReport = Data<'/api/v1/platform/tenants/{id}/compliance-report'>;
export type PrivacyKind = PrivacyRequest['kind'];
export type ReportLanguage = ComplianceReport['language'];
export type PrivacyStatusFilter = NonNullable<PrivacyFilters['status']>;

export const PRIVACY_KINDS: readonly PrivacyKind[] = ['access', 'erasure', 'rectification', 'restriction', 'objection', 'portability'];
export const PRIVACY_STATUS_FILTERS: readonly PrivacyStatusFilter[] = ['open', 'overdue', 'completed', 'refused'];

const keys = {
  requests: (filters: PrivacyFilters) => ['platform', 'privacy-requests', filters] as const,
  summary: (tenantId: string | undefined) => ['platform', 'privacy-requests', 'summary', tenantId ?? null] as const,
  report: (tenantId: string, from: string, to: string, lang: ReportLanguage) => ['platform', 'compliance-report', tenantId, from, to, lang] as const,
};

/** Every business's GDPR requests (or one business's), newest first, page after page with the cursor. */
export function usePrivacyRequests(filters: PrivacyFilters) {
  return useInfiniteQuery({
    queryKey: keys.requests(filters),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      pageOf(
        (await adminApi.raw.GET('/api/v1/platform/privacy-requests', {
          params: { query: { limit: 25, ...filters, ...(pageParam ? { cursor: pageParam } : {}) } },
        })) as Page<PrivacyRequest>,
      ),
    getNextPageParam: (last) => last.next,
    placeholderData: keepPreviousData,
  });
}

/** Open and overdue requests now, answered and refused in the last 30 days: over every business, or one. */
export function usePrivacySummary(tenantId: string | undefined) {
  return useQuery({
    queryKey: keys.summary(tenantId),
    queryFn: () => adminApi.get('/api/v1/platform/privacy-requests/summary', { params: { query: tenantId ? { tenant_id: tenantId } : {} } }),
  });
}

/**
 * One business's compliance report for a period (YYYY-MM-DD, both days included), its sentences in the console's
 * language; nothing is asked until a business is chosen.
 */
export function useComplianceReport(tenantId: string | null, from: string, to: string, lang: ReportLanguage) {
  return useQuery({
    queryKey: keys.report(tenantId ?? '', from, to, lang),
    enabled: tenantId !== null,
    queryFn: () => adminApi.get('/api/v1/platform/tenants/{id}/compliance-report', { params: { path: { id: tenantId ?? '' }, query: { from, to, lang } } }),
  });
}
