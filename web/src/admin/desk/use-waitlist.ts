import type { EnvelopeData, paths } from '@reservehub/api-client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminKeys } from '../admin-keys.ts';
import { POLL_MS } from '../calendar/use-calendar.ts';
import { adminApi } from '../session/session.ts';
import type { Booking } from './use-desk.ts';

export type WaitlistEntry = EnvelopeData<paths['/api/v1/waitlist']['get']['responses']['200']['content']['application/json']>[number];
export type WaitlistJoin = NonNullable<paths['/api/v1/waitlist']['post']['requestBody']>['content']['application/json'];
type BatchBody = NonNullable<paths['/api/v1/bookings/batch']['post']['requestBody']>['content']['application/json'];

/** Waitlist entries and the bookings they become live under the dashboard's booking keys. */
const waitlistKeys = {
  all: ['admin', 'waitlist'] as const,
  service: (serviceId: string) => ['admin', 'waitlist', serviceId] as const,
  customer: (id: string) => ['admin', 'customers', id] as const,
  slots: (serviceId: string, date: string) => ['admin', 'bookings', 'slots', serviceId, date] as const,
};

/** The entries still of interest to the desk (removed ones drop out). */
const SHOWN = new Set(['waiting', 'offered', 'booked']);

/** GET /waitlist?service_id=: polled like the calendar, so an offer claimed or expired shows without a reload. */
export function useWaitlist(serviceId: string | null) {
  return useQuery({
    queryKey: waitlistKeys.service(serviceId ?? ''),
    enabled: serviceId !== null,
    queryFn: async () => (await adminApi.get('/api/v1/waitlist', { params: { query: { service_id: serviceId ?? '', limit: 100 } } })).filter((entry) => SHOWN.has(entry.status)),
    refetchInterval: POLL_MS,
    refetchIntervalInBackground: false,
  });
}

/** GET /customers/{id}: the name on a waitlist entry (entries carry the customer's id only). */
export function useCustomerName(id: string) {
  return useQuery({
    queryKey: waitlistKeys.customer(id),
    queryFn: () => adminApi.get('/api/v1/customers/{id}', { params: { path: { id } } }),
    select: (customer) => [customer.first_name, customer.last_name].filter(Boolean).join(' '),
    staleTime: 300_000,
  });
}

export interface FreeSlot {
  resourceId: string;
  resourceName: string;
  start: string;
}

/**
 * GET /availability for one local date: every bookable start of the service, by resource. Never kept
 * once no form shows it, so a form opened after an offer or a booking does not offer its old free times.
 */
export function useFreeSlots(serviceId: string | null, date: string | null) {
  return useQuery({
    queryKey: waitlistKeys.slots(serviceId ?? '', date ?? ''),
    enabled: serviceId !== null && date !== null,
    gcTime: 0,
    queryFn: async (): Promise<FreeSlot[]> => {
      const availability = await adminApi.get('/api/v1/availability', { params: { query: { service_id: serviceId ?? '', from_date: date ?? '', to_date: date ?? '' } } });
      return availability.resources.flatMap((entry) =>
        // Taken times (booked, or held for a waitlist offer) are listed too, as not available.
        entry.dates.flatMap((day) =>
          day.slots.filter((slot) => slot.available).map((slot) => ({ resourceId: entry.resource.id, resourceName: entry.resource.name, start: slot.start_time })),
        ),
      );
    },
  });
}

function useWaitlistMutation<Input, Output>(mutationFn: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    // A refusal may mean the entry changed meanwhile: refresh either way.
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: waitlistKeys.all });
      void queryClient.invalidateQueries({ queryKey: adminKeys.bookings });
    },
  });
}

/** POST /waitlist as staff (a found customer or a new guest, any priority). */
export const useJoinWaitlist = () => useWaitlistMutation((body: WaitlistJoin) => adminApi.post('/api/v1/waitlist', { body }));

/** DELETE /waitlist/{id}: an open offer of it passes on. */
export const useRemoveEntry = () => useWaitlistMutation((id: string) => adminApi.delete('/api/v1/waitlist/{id}', { params: { path: { id } } }));

/** POST /waitlist/{id}/offer: holds the slot and sends the customer the claim link. */
export const useOfferSlot = () =>
  useWaitlistMutation(({ id, slot }: { id: string; slot: { resource_id: string; start_time: string } }) =>
    adminApi.post('/api/v1/waitlist/{id}/offer', { params: { path: { id } }, body: slot }),
  );

/** POST /bookings/batch: all of the group or none. `key` is kept per opening of the form, so a retry books once. */
export const useBookGroup = () =>
  useWaitlistMutation(({ body, key }: { body: BatchBody; key: string }) => adminApi.post('/api/v1/bookings/batch', { body, headers: { 'idempotency-key': key } }));

/**
 * The other bookings of the booking's group. There is no group filter on GET /bookings: a group's
 * bookings share a day (back to back, or one start for a party), so that day's list is read and filtered.
 */
export function useGroupSiblings(booking: Booking, localDate: string) {
  return useQuery({
    queryKey: adminKeys.bookingList({ date: localDate, group: booking.group_id }),
    enabled: booking.group_id !== null,
    queryFn: async () =>
      (await adminApi.get('/api/v1/bookings', { params: { query: { from_date: localDate, to_date: localDate, limit: 100 } } })).filter(
        (candidate) => candidate.group_id === booking.group_id && candidate.id !== booking.id,
      ),
  });
}
