import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { EnvelopeData, paths } from '@reservehub/api-client';
import { api } from './api-client.ts';
import { queryKeys } from './query-keys.ts';

type PostBookings = paths['/api/v1/bookings']['post'];
export type NewBooking = PostBookings['requestBody']['content']['application/json'];
export type CreatedBooking = EnvelopeData<PostBookings['responses']['201']['content']['application/json']>;

/** POST /api/v1/bookings as a guest of the business named by `slug`; any outcome refreshes availability. */
export function useCreateBooking(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NewBooking) => api.post('/api/v1/bookings', { headers: { 'X-Tenant': slug }, body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.availabilityAll(slug) }),
  });
}
