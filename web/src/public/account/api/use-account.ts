/**
 * The customer account's API operations (sign-in and `/me`), one hook each. Only the account page
 * and the sign-in form use them, and both load on demand, so none of this is in a guest's booking.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, isErrorEnvelope, type EnvelopeData, type paths } from '@reservehub/api-client';
import { currentLanguage } from '../../../shared/i18n/i18n.ts';
import { accountApi, clearSession, saveSession } from './account-session.ts';
import { api } from '../../../shared/api/api-client.ts';
import { queryKeys } from '../../../shared/api/query-keys.ts';
import type { AccountProfile } from './use-my-account.ts';

type Tokens = EnvelopeData<paths['/api/v1/customer-auth/verify']['post']['responses']['200']['content']['application/json']>;
export type AccountUpdate = paths['/api/v1/me']['patch']['requestBody']['content']['application/json'];
export type Consent = EnvelopeData<paths['/api/v1/me/consents']['get']['responses']['200']['content']['application/json']>[number];
export type SavedPaymentMethod = EnvelopeData<paths['/api/v1/me/payment-methods']['get']['responses']['200']['content']['application/json']>[number];
export type MyBooking = EnvelopeData<paths['/api/v1/me/bookings/{id}']['get']['responses']['200']['content']['application/json']>;

function useSignedIn(slug: string) {
  const queryClient = useQueryClient();
  return (tokens: Tokens) => {
    saveSession(slug, { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, firstName: tokens.customer.first_name });
    queryClient.setQueryData(queryKeys.myProfile(slug), tokens.customer);
  };
}

/** POST /api/v1/customer-auth/code: email a six-digit code (also how an account is created). */
export function useRequestSignInCode(slug: string) {
  return useMutation({
    mutationFn: (email: string) =>
      api.post('/api/v1/customer-auth/code', { headers: { 'X-Tenant': slug }, body: { email, language: currentLanguage() } }),
  });
}

/** POST /api/v1/customer-auth/verify: the code signs in (or registers, with a first name). */
export function useVerifySignIn(slug: string) {
  const signedIn = useSignedIn(slug);
  return useMutation({
    mutationFn: (body: { email: string; code: string; first_name?: string; last_name?: string }) =>
      api.post('/api/v1/customer-auth/verify', { headers: { 'X-Tenant': slug }, body }),
    onSuccess: signedIn,
  });
}

/** POST /api/v1/customer-auth/login: email and password. */
export function usePasswordSignIn(slug: string) {
  const signedIn = useSignedIn(slug);
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => api.post('/api/v1/customer-auth/login', { headers: { 'X-Tenant': slug }, body }),
    onSuccess: signedIn,
  });
}

/**
 * GET /api/v1/me/bookings?scope=…: one page (the first without `cursor`), with the cursor of the
 * next when there is more. (Plain queries, one per page shown, keep infinite-query code out of
 * the framework chunk every guest loads.)
 */
export function useMyBookingsPage(slug: string, scope: 'upcoming' | 'past', cursor: string | undefined) {
  return useQuery({
    queryKey: [...queryKeys.myBookings(slug, scope), cursor ?? ''],
    queryFn: async () => {
      const { data, error, response } = await accountApi(slug).raw.GET('/api/v1/me/bookings', {
        params: { query: { scope, limit: 10, ...(cursor ? { cursor } : {}) } },
      });
      if (!data) {
        const code = isErrorEnvelope(error) ? error.error.code : 'INVALID_RESPONSE';
        throw new ApiError({ code, status: response.status, message: `GET /me/bookings → ${response.status}` });
      }
      const pagination = data.metadata.pagination;
      return { items: data.data, next: pagination?.has_more && pagination.cursor ? pagination.cursor : null };
    },
  });
}

/** GET /api/v1/me/bookings/{id}?preview=cancel: what cancelling now would refund, nothing changed. */
export function useMyCancellationPreview(slug: string, bookingId: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.myCancellationPreview(slug, bookingId),
    queryFn: () => accountApi(slug).get('/api/v1/me/bookings/{id}', { params: { path: { id: bookingId }, query: { preview: 'cancel' } } }),
    enabled,
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });
}

function useBookingsChanged(slug: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.myBookingsAll(slug) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.availabilityAll(slug) });
  };
}

/** PATCH /api/v1/me/bookings/{id}: cancel, or reschedule to `new_start_time`. */
export function useChangeMyBooking(slug: string) {
  const changed = useBookingsChanged(slug);
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; action: 'cancel' | 'reschedule'; new_start_time?: string }) =>
      accountApi(slug).patch('/api/v1/me/bookings/{id}', { params: { path: { id } }, body }),
    onSuccess: changed,
  });
}

/** POST /api/v1/me/bookings/{id}/rebook: the same service again, at a new time. */
export function useRebook(slug: string) {
  const changed = useBookingsChanged(slug);
  return useMutation({
    mutationFn: ({ id, start_time }: { id: string; start_time: string }) =>
      accountApi(slug).post('/api/v1/me/bookings/{id}/rebook', { params: { path: { id } }, body: { start_time } }),
    onSettled: changed,
  });
}

/** PATCH /api/v1/me: name, preferences, marketing consent. */
export function useUpdateProfile(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AccountUpdate) => accountApi(slug).patch('/api/v1/me', { body }),
    onSuccess: (profile: AccountProfile) => {
      queryClient.setQueryData(queryKeys.myProfile(slug), profile);
      void queryClient.invalidateQueries({ queryKey: queryKeys.myConsents(slug) });
    },
  });
}

/** GET /api/v1/me/consents: the history of what I agreed to (and withdrew). */
export function useMyConsents(slug: string) {
  return useQuery({ queryKey: queryKeys.myConsents(slug), queryFn: () => accountApi(slug).get('/api/v1/me/consents') });
}

/** PUT /api/v1/me/password. */
export function useChangePassword(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { new_password: string; current_password?: string }) => accountApi(slug).put('/api/v1/me/password', { body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.myProfile(slug) }),
  });
}

/** GET /api/v1/me/payment-methods. */
export function useMyPaymentMethods(slug: string) {
  return useQuery({ queryKey: queryKeys.myPaymentMethods(slug), queryFn: () => accountApi(slug).get('/api/v1/me/payment-methods') });
}

/** DELETE /api/v1/me/payment-methods/{id}. */
export function useRemovePaymentMethod(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => accountApi(slug).delete('/api/v1/me/payment-methods/{id}', { params: { path: { id } } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.myPaymentMethods(slug) }),
  });
}

/** GET /api/v1/me/export as a file: the JSON document, or the CSV the server writes. */
export function useExportMyData(slug: string) {
  return useMutation({
    mutationFn: async (format: 'json' | 'csv'): Promise<Blob> => {
      if (format === 'json') {
        const data = await accountApi(slug).get('/api/v1/me/export', { params: { query: { format: 'json' } } });
        return new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
      }
      const { data, response } = await accountApi(slug).raw.GET('/api/v1/me/export', { params: { query: { format: 'csv' } }, parseAs: 'blob' });
      if (!response.ok || !(data instanceof Blob)) throw new ApiError({ code: 'EXPORT_FAILED', status: response.status, message: 'The export could not be downloaded' });
      return data;
    },
  });
}

/** DELETE /api/v1/me: closes the account (erasure); the session ends with it. */
export function useCloseAccount(slug: string, onClosed: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => accountApi(slug).delete('/api/v1/me'),
    onSuccess: () => {
      onClosed();
      clearSession(slug);
      queryClient.removeQueries({ queryKey: queryKeys.myAccount(slug) });
    },
  });
}
