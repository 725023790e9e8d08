import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { EnvelopeData, paths } from '@reservehub/api-client';
import { adminApi } from '../session/session.ts';
import { allPages, pageOf, refusal, type Page } from '../ui/all-pages.ts';
import { saveFile } from '../ui/save-file.ts';

type Data<P extends keyof paths> = paths[P] extends { get: { responses: { 200: { content: { 'application/json': infer J } } } } } ? EnvelopeData<J> : never;

export type PlatformKpis = Data<'/api/v1/analytics/platform/kpis'>;
export type TenantHealth = Data<'/api/v1/analytics/platform/tenants'>[number];

const keys = {
  kpis: (from: string, to: string) => ['platform', 'kpis', from, to] as const,
  health: ['platform', 'tenants', 'health'] as const,
};

/** MRR, movements, volume and churn-risk spread for a period (platform administrators only). */
export function usePlatformKpis(from: string, to: string) {
  return useQuery({ queryKey: keys.kpis(from, to), queryFn: () => adminApi.get('/api/v1/analytics/platform/kpis', { params: { query: { from, to } } }) });
}

/** Every business with its plan, MRR and churn risk with the factors behind it. */
export function useTenantHealth() {
  return useQuery({ queryKey: keys.health, queryFn: () => adminApi.get('/api/v1/analytics/platform/tenants') });
}

/** Suspends a business (reason required; its public booking stops) or reactivates it. */
export function useTenantStatus() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, reason }: { id: string; action: 'suspend' | 'reactivate'; reason?: string }) =>
      action === 'suspend'
        ? adminApi.post('/api/v1/platform/tenants/{id}/suspend', { params: { path: { id } }, body: { reason: reason ?? '' } })
        : adminApi.post('/api/v1/platform/tenants/{id}/reactivate', { params: { path: { id } } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['platform'] }),
  });
}

export type PlatformTenant = Data<'/api/v1/platform/tenants/{id}'>;
export type MaintenanceState = Data<'/api/v1/platform/maintenance'>;
export type Plan = Data<'/api/v1/plans'>[number];

/** One business with its settings (maintenance included) and its usage against its plan's limits. */
export function usePlatformTenant(id: string) {
  return useQuery({ queryKey: ['platform', 'tenant', id], queryFn: () => adminApi.get('/api/v1/platform/tenants/{id}', { params: { path: { id } } }) });
}

/** Whether the whole platform is in maintenance, and with what message. */
export function usePlatformMaintenance() {
  return useQuery({ queryKey: ['platform', 'maintenance'], queryFn: () => adminApi.get('/api/v1/platform/maintenance') });
}

/** Turns maintenance on or off, for one business (`tenant_id`) or the whole platform. */
export function useSetMaintenance() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { enabled: boolean; message: string | null; tenant_id?: string }) => adminApi.put('/api/v1/platform/maintenance', { body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['platform'] }),
  });
}

/** The plans a business can be put on: every plan, hidden ones included (the platform's own list, which the plans editor refreshes). */
export function usePlans() {
  return useQuery({ queryKey: ['platform', 'plans'], queryFn: () => adminApi.get('/api/v1/platform/plans'), staleTime: 5 * 60_000 });
}

/** Moves a business to another plan at once (the platform's decision: no usage check, audited). */
export function useChangePlan() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, planId }: { id: string; planId: string }) => adminApi.post('/api/v1/platform/tenants/{id}/plan', { params: { path: { id } }, body: { plan_id: planId } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['platform'] }),
  });
}

/** Starts a support impersonation of a business (reason required; read-only unless asked; audited). */
export function useImpersonate() {
  return useMutation({
    mutationFn: (body: { tenant_id: string; reason: string; read_only: boolean; duration_minutes: number }) => adminApi.post('/api/v1/platform/impersonations', { body }),
  });
}

export type DeadJob = Data<'/api/v1/platform/jobs/dead'>[number];

/** Jobs that failed every attempt, most recent first; `name` narrows to one kind. */
export function useDeadJobs(name: string) {
  return useQuery({
    queryKey: ['platform', 'jobs', 'dead', name],
    queryFn: () => adminApi.get('/api/v1/platform/jobs/dead', { params: { query: { limit: 100, ...(name ? { name } : {}) } } }),
  });
}

/** Puts a dead job back in the queue, due now, with a fresh series of attempts. */
export function useReplayJob() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => adminApi.post('/api/v1/platform/jobs/dead/{id}/replay', { params: { path: { id } } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['platform', 'jobs', 'dead'] }),
  });
}

export type Diagnostics = Data<'/api/v1/platform/tenants/{id}/diagnostics'>;

/** What keeps a business from working: unbookable configuration, failed payments, failing webhooks, undelivered messages. */
export function useDiagnostics(id: string) {
  return useQuery({ queryKey: ['platform', 'tenant', id, 'diagnostics'], queryFn: () => adminApi.get('/api/v1/platform/tenants/{id}/diagnostics', { params: { path: { id } } }) });
}

export type TrailEntry = Data<'/api/v1/platform/audit-logs'>[number];
export type TrailFilters = NonNullable<paths['/api/v1/platform/audit-logs']['get']['parameters']['query']>;
export type TrailExportFormat = 'csv' | 'jsonl';
export type ComplianceTenantRow = Data<'/api/v1/platform/compliance/tenants'>[number];

/** The audit trail of every business (or one), newest first, page after page with the cursor (auditors and administrators). */
export function useAuditTrail(filters: Omit<TrailFilters, 'cursor' | 'limit'>) {
  return useInfiniteQuery({
    queryKey: ['platform', 'audit-trail', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      pageOf((await adminApi.raw.GET('/api/v1/platform/audit-logs', { params: { query: { limit: 25, ...filters, ...(pageParam ? { cursor: pageParam } : {}) } } })) as Page<TrailEntry>),
    getNextPageParam: (last) => last.next,
    placeholderData: keepPreviousData,
  });
}

/** Every business by name, for the trail's business filter (the compliance directory: auditors and administrators). */
export function useComplianceTenantList() {
  return useQuery({
    queryKey: ['platform', 'compliance-tenants'],
    staleTime: 300_000,
    queryFn: () =>
      allPages<ComplianceTenantRow>(
        (cursor) => adminApi.raw.GET('/api/v1/platform/compliance/tenants', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } }) as Promise<Page<ComplianceTenantRow>>,
      ),
  });
}

/**
 * Downloads the matching trail as CSV or JSON Lines (with the session's token, which a plain link
 * could not carry) under the name the server gives; answers that name.
 */
export function useExportTrail() {
  return useMutation({
    mutationFn: async ({ format, filters }: { format: TrailExportFormat; filters: Omit<TrailFilters, 'cursor' | 'limit'> }) => {
      const result = await adminApi.raw.GET('/api/v1/platform/audit-logs/export', { params: { query: { ...filters, format } }, parseAs: 'blob' });
      if (!result.response.ok || !(result.data instanceof Blob)) throw refusal(result.response, result.error);
      const disposition = result.response.headers.get('content-disposition') ?? '';
      const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `audit-trail.${format}`;
      saveFile(result.data, name);
      return name;
    },
  });
}
