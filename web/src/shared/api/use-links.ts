import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { EnvelopeData, paths } from '@reservehub/api-client';
import { api } from './api-client.ts';
import { queryKeys } from './query-keys.ts';

export type ManagedBooking = EnvelopeData<paths['/api/v1/manage/{token}']['get']['responses']['200']['content']['application/json']>;

/** GET /api/v1/manage/{token}: the booking a signed link names (no tenant needed: the token names it). */
export function useManagedBooking(token: string) {
  return useQuery({
    queryKey: queryKeys.managedBooking(token),
    queryFn: () => api.get('/api/v1/manage/{token}', { params: { path: { token } } }),
    retry: false,
  });
}

/** GET /api/v1/manage/{token}?preview=cancel: what cancelling now would refund, without cancelling. */
export function useCancellationPreview(token: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.cancellationPreview(token),
    queryFn: () => api.get('/api/v1/manage/{token}', { params: { path: { token }, query: { preview: 'cancel' } } }),
    enabled,
    retry: false,
    staleTime: 0,
  });
}

/** PATCH /api/v1/manage/{token} {action: cancel}. */
export function useCancelBooking(token: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.patch('/api/v1/manage/{token}', { params: { path: { token } }, body: { action: 'cancel' } }),
    onSuccess: (booking) => {
      queryClient.setQueryData(queryKeys.managedBooking(token), booking);
      void queryClient.invalidateQueries({ queryKey: queryKeys.cancellationPreview(token) });
    },
  });
}

/** PATCH /api/v1/manage/{token} {action: reschedule, new_start_time}. */
export function useRescheduleBooking(token: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (newStart: string) =>
      api.patch('/api/v1/manage/{token}', { params: { path: { token } }, body: { action: 'reschedule', new_start_time: newStart } }),
    onSuccess: (booking) => {
      queryClient.setQueryData(queryKeys.managedBooking(token), booking);
      void queryClient.invalidateQueries({ queryKey: queryKeys.availabilityAll(booking.business_slug) });
    },
  });
}

/** POST /api/v1/waitlist/offers/{token}/claim (the business named by `tenant`, when the link carries it). */
export function useClaimOffer(token: string, tenant: string | null) {
  return useMutation({
    mutationFn: () =>
      api.post('/api/v1/waitlist/offers/{token}/claim', {
        params: { path: { token } },
        ...(tenant ? { headers: { 'X-Tenant': tenant } } : {}),
      }),
  });
}

/** POST /api/v1/notifications/unsubscribe?token=… */
export function useUnsubscribe(token: string) {
  return useMutation({
    mutationFn: () => api.post('/api/v1/notifications/unsubscribe', { params: { query: { token } } }),
  });
}
