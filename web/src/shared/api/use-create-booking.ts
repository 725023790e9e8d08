import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { EnvelopeData, paths } from '@reservehub/api-client';
import { api } from './api-client.ts';
import { queryKeys } from './query-keys.ts';

type PostBookings = paths['/api/v1/bookings']['post'];
export type NewBooking = PostBookings['requestBody']['content']['application/json'];
export type CreatedBooking = EnvelopeData<PostBookings['responses']['201']['content']['application/json']>;

/**
 * What the confirmation shows of a booking, made as a guest (POST /bookings) or from an account
 * (POST /me/bookings, which has no manage link: the account is where it is managed).
 */
export type BookedVisit = Pick<
  CreatedBooking,
  'id' | 'booking_number' | 'service' | 'location_id' | 'start_time' | 'end_time' | 'time_zone' | 'pricing' | 'payment_expires_at'
> & { status: string; group_id?: string | null; manage_url?: string; payment?: { payment_page_url?: string | null } };

type PostBatch = paths['/api/v1/bookings/batch']['post'];
export type NewBookingBatch = PostBatch['requestBody']['content']['application/json'];
export type CreatedBookingGroup = EnvelopeData<PostBatch['responses']['201']['content']['application/json']>;

/** POST /api/v1/bookings as a guest of the business named by `slug`; any outcome refreshes availability. */
export function useCreateBooking(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NewBooking) => api.post('/api/v1/bookings', { headers: { 'X-Tenant': slug }, body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.availabilityAll(slug) }),
  });
}

/**
 * POST /api/v1/bookings/batch: several services back to back for one person, or one service for
 * several people, all or nothing (RF5.8); any outcome refreshes availability.
 */
export function useCreateBookingBatch(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NewBookingBatch) => api.post('/api/v1/bookings/batch', { headers: { 'X-Tenant': slug }, body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.availabilityAll(slug) }),
  });
}
