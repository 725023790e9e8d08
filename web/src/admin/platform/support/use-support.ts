import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { EnvelopeData, paths } from '@reservehub/api-client';
import { adminApi } from '../../session/session.ts';

type Data<P extends keyof paths> = paths[P] extends { get: { responses: { 200: { content: { 'application/json': infer J } } } } } ? EnvelopeData<J> : never;

export type ConsistencyReport = Data<'/api/v1/platform/tenants/{id}/consistency'>;
export type ConsistencyFinding = ConsistencyReport['findings'][number];

const keys = {
  diagnostics: (id: string) => ['platform', 'tenant', id, 'diagnostics'] as const,
  consistency: (id: string) => ['platform', 'tenant', id, 'consistency'] as const,
};

/**
 * Sends a failed message again through the business's outbox (audited). The diagnostics are not
 * refetched at once: the row stays, with its outcome, until the page is next loaded.
 */
export function useResendMessage(tenantId: string) {
  return useMutation({
    mutationFn: (notificationId: string) =>
      adminApi.post('/api/v1/platform/tenants/{id}/notifications/{notificationId}/resend', { params: { path: { id: tenantId, notificationId } } }),
  });
}

/** Sends again every message of the business that failed or bounced in the last week (the server lists those it refuses). */
export function useResendFailedMessages(tenantId: string) {
  return useMutation({
    mutationFn: () => adminApi.post('/api/v1/platform/tenants/{id}/notifications/resend-failed', { params: { path: { id: tenantId } }, body: { days: 7 } }),
  });
}

/** Replays a failed webhook delivery through the business's Developers replay (audited); the row keeps its outcome. */
export function useReplayDelivery(tenantId: string) {
  return useMutation({
    mutationFn: (deliveryId: string) =>
      adminApi.post('/api/v1/platform/tenants/{id}/webhook-deliveries/{deliveryId}/replay', { params: { path: { id: tenantId, deliveryId } } }),
  });
}

/** The consistency check, run when support asks for it (it reads every booking of the business). */
export function useConsistency(tenantId: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.consistency(tenantId),
    queryFn: () => adminApi.get('/api/v1/platform/tenants/{id}/consistency', { params: { path: { id: tenantId } } }),
    enabled,
  });
}

/** Repairs what is safe; the check that follows the repair becomes the one shown. */
export function useRepairConsistency(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => adminApi.post('/api/v1/platform/tenants/{id}/consistency/repair', { params: { path: { id: tenantId } } }),
    onSuccess: (result) => {
      client.setQueryData(keys.consistency(tenantId), result.after);
      return client.invalidateQueries({ queryKey: keys.diagnostics(tenantId) });
    },
  });
}
