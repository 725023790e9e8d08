import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { EnvelopeData, paths } from '@reservehub/api-client';
import { adminApi } from '../session/session.ts';
import type { ReportView } from './period.ts';

type Data<P extends keyof paths> = paths[P] extends { get: { responses: { 200: { content: { 'application/json': infer J } } } } } ? EnvelopeData<J> : never;

export type Overview = Data<'/api/v1/analytics/reports/overview'>;
export type Figures = Overview['current'];
export type DailyRow = Data<'/api/v1/analytics/reports/daily'>[number];
export type ServiceRow = Data<'/api/v1/analytics/reports/services'>[number];
export type StaffRow = Data<'/api/v1/analytics/reports/staff'>[number];
export type HeatmapCell = Data<'/api/v1/analytics/reports/heatmap'>[number];
export type Customers = Data<'/api/v1/analytics/reports/customers'>;
export type Funnel = Data<'/api/v1/analytics/reports/funnel'>;

/** Whose figures: the business's (owners, managers) or the signed-in staff member's own. */
export type Audience = 'business' | 'own';
/** Tables that can be exported, and by whom. */
export type TableName = 'overview' | 'daily' | 'services' | 'staff' | 'customers' | 'funnel' | 'heatmap';

export interface ReportQuery {
  from: string;
  to: string;
  location_id?: string;
  service_id?: string;
  resource_id?: string;
}

export function queryOf(view: ReportView): ReportQuery {
  return {
    from: view.from,
    to: view.to,
    ...(view.locationId ? { location_id: view.locationId } : {}),
    ...(view.serviceId ? { service_id: view.serviceId } : {}),
    ...(view.resourceId ? { resource_id: view.resourceId } : {}),
  };
}

const key = (audience: Audience, report: string, query: ReportQuery) => ['admin', 'reports', audience, report, query] as const;
const options = { placeholderData: keepPreviousData, staleTime: 60_000 } as const;

export function useOverview(audience: Audience, query: ReportQuery) {
  return useQuery({
    queryKey: key(audience, 'overview', query),
    queryFn: () =>
      audience === 'own'
        ? adminApi.get('/api/v1/analytics/me/overview', { params: { query } })
        : adminApi.get('/api/v1/analytics/reports/overview', { params: { query } }),
    ...options,
  });
}

export function useDaily(audience: Audience, query: ReportQuery) {
  return useQuery({
    queryKey: key(audience, 'daily', query),
    queryFn: () =>
      audience === 'own' ? adminApi.get('/api/v1/analytics/me/daily', { params: { query } }) : adminApi.get('/api/v1/analytics/reports/daily', { params: { query } }),
    ...options,
  });
}

export function useServices(audience: Audience, query: ReportQuery) {
  return useQuery({
    queryKey: key(audience, 'services', query),
    queryFn: () =>
      audience === 'own'
        ? adminApi.get('/api/v1/analytics/me/services', { params: { query } })
        : adminApi.get('/api/v1/analytics/reports/services', { params: { query } }),
    ...options,
  });
}

export function useStaff(audience: Audience, query: ReportQuery) {
  return useQuery({
    queryKey: key(audience, 'staff', query),
    queryFn: () =>
      audience === 'own' ? adminApi.get('/api/v1/analytics/me/staff', { params: { query } }) : adminApi.get('/api/v1/analytics/reports/staff', { params: { query } }),
    ...options,
  });
}

export function useHeatmap(audience: Audience, query: ReportQuery) {
  return useQuery({
    queryKey: key(audience, 'heatmap', query),
    queryFn: () =>
      audience === 'own'
        ? adminApi.get('/api/v1/analytics/me/heatmap', { params: { query } })
        : adminApi.get('/api/v1/analytics/reports/heatmap', { params: { query } }),
    ...options,
  });
}

/** Business only: staff have no customer or funnel figures of their own. */
export function useCustomers(enabled: boolean, query: ReportQuery) {
  return useQuery({ queryKey: key('business', 'customers', query), queryFn: () => adminApi.get('/api/v1/analytics/reports/customers', { params: { query } }), enabled, ...options });
}

export function useFunnel(enabled: boolean, query: ReportQuery) {
  return useQuery({ queryKey: key('business', 'funnel', query), queryFn: () => adminApi.get('/api/v1/analytics/reports/funnel', { params: { query } }), enabled, ...options });
}

/** GET /services: the business's services, to filter by. */
export function useServiceList() {
  return useQuery({ queryKey: ['admin', 'services'], queryFn: () => adminApi.get('/api/v1/services', { params: { query: { limit: 100 } } }), staleTime: 300_000 });
}

/**
 * Downloads a report table as CSV or XLSX through the export endpoint (with the session's token,
 * which a plain link could not carry), saved under the name the server gives.
 */
export async function downloadTable(audience: Audience, table: TableName, format: 'csv' | 'xlsx', query: ReportQuery): Promise<void> {
  const result =
    audience === 'own'
      ? await adminApi.raw.GET('/api/v1/analytics/me/{report}/export', {
          params: { path: { report: table as 'overview' | 'daily' | 'services' | 'staff' | 'heatmap' }, query: { ...query, format } },
          parseAs: 'blob',
        })
      : await adminApi.raw.GET('/api/v1/analytics/reports/{report}/export', { params: { path: { report: table }, query: { ...query, format } }, parseAs: 'blob' });
  if (!result.response.ok || !(result.data instanceof Blob)) throw new Error(`export answered ${result.response.status}`);
  const disposition = result.response.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `${table}-${query.from}-${query.to}.${format}`;
  const url = URL.createObjectURL(result.data);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
