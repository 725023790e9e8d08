import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { EnvelopeData, paths } from '@reservehub/api-client';
import { accountApi, readSession, saveSession } from './account-session.ts';
import { queryKeys } from '../../../shared/api/query-keys.ts';

type PostMyBookings = paths['/api/v1/me/bookings']['post'];
export type NewAccountBooking = PostMyBookings['requestBody']['content']['application/json'];
export type AccountBooking = EnvelopeData<PostMyBookings['responses']['201']['content']['application/json']>;
export type AccountProfile = EnvelopeData<paths['/api/v1/me']['get']['responses']['200']['content']['application/json']>;

/** GET /api/v1/me: the signed-in customer's profile (only while signed in at `slug`). */
export function useMyProfile(slug: string, signedIn: boolean) {
  return useQuery({
    queryKey: queryKeys.myProfile(slug),
    queryFn: async () => {
      const profile = await accountApi(slug).get('/api/v1/me');
      const session = readSession(slug);
      if (session && session.firstName !== profile.first_name) saveSession(slug, { ...session, firstName: profile.first_name });
      return profile;
    },
    enabled: signedIn,
  });
}

/** POST /api/v1/me/bookings: book as the signed-in customer; any outcome refreshes availability and my bookings. */
export function useCreateMyBooking(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NewAccountBooking) => accountApi(slug).post('/api/v1/me/bookings', { body }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.availabilityAll(slug) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.myBookingsAll(slug) });
    },
  });
}
