import { useQuery, type QueryClient } from '@tanstack/react-query';
import type { EnvelopeData, paths } from '@reservehub/api-client';
import { api } from './api-client.ts';
import { queryKeys } from './query-keys.ts';

export type BookingPage = EnvelopeData<paths['/api/v1/booking-page']['get']['responses']['200']['content']['application/json']>;
export type BookingPageService = BookingPage['services'][number];

const bookingPageQuery = (slug: string) => ({
  queryKey: queryKeys.bookingPage(slug),
  queryFn: () => api.get('/api/v1/booking-page', { headers: { 'X-Tenant': slug } }),
  staleTime: 60_000,
});

/** GET /api/v1/booking-page for the business named by `slug`. */
export function useBookingPage(slug: string) {
  return useQuery(bookingPageQuery(slug));
}

/**
 * Starts loading the business of a `/book/{slug}` or `/embed/{slug}` address before the app has
 * rendered, so the services arrive while the page is still starting (one round trip less on screen).
 */
export function prefetchBookingPage(client: QueryClient, pathname: string): void {
  const slug = /^\/(?:book|embed)\/([^/]+)/.exec(pathname)?.[1];
  if (slug) void client.prefetchQuery(bookingPageQuery(decodeURIComponent(slug)));
}
