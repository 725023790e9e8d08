import { useQuery } from '@tanstack/react-query';
import type { EnvelopeData, paths } from '@reservehub/api-client';
import { api } from './api-client.ts';
import { queryKeys } from './query-keys.ts';

export type BookingPage = EnvelopeData<paths['/api/v1/booking-page']['get']['responses']['200']['content']['application/json']>;
export type BookingPageService = BookingPage['services'][number];

/** GET /api/v1/booking-page for the business named by `slug`. */
export function useBookingPage(slug: string) {
  return useQuery({
    queryKey: queryKeys.bookingPage(slug),
    queryFn: () => api.get('/api/v1/booking-page', { headers: { 'X-Tenant': slug } }),
    staleTime: 60_000,
  });
}
