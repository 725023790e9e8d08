import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { EnvelopeData, paths } from '@reservehub/api-client';
import { adminKeys } from '../admin-keys.ts';
import { adminApi } from '../session/session.ts';

export type Booking = EnvelopeData<paths['/api/v1/bookings/{id}']['get']['responses']['200']['content']['application/json']>;
export type BookingStatus = Booking['status'];
type PatchBody = NonNullable<paths['/api/v1/bookings/{id}']['patch']['requestBody']>['content']['application/json'];
export type DeskAction = NonNullable<PatchBody['action']>;

export interface DeskFilters {
  /** Local date of the location, YYYY-MM-DD. */
  date: string;
  status: BookingStatus | null;
  resourceId: string | null;
}

/** GET /bookings for one day (the location's date), by status and resource. */
export function useDayBookings(filters: DeskFilters) {
  return useQuery({
    queryKey: adminKeys.bookingList({ ...filters }),
    queryFn: () =>
      adminApi.get('/api/v1/bookings', {
        params: {
          query: {
            from_date: filters.date,
            to_date: filters.date,
            limit: 100,
            ...(filters.status ? { status: [filters.status] } : {}),
            ...(filters.resourceId ? { resource_id: filters.resourceId } : {}),
          },
        },
      }),
    placeholderData: keepPreviousData,
  });
}

/** GET /bookings/{id}: the booking with its history and payments. */
export function useBooking(id: string | null) {
  return useQuery({
    queryKey: adminKeys.booking(id ?? ''),
    queryFn: () => adminApi.get('/api/v1/bookings/{id}', { params: { path: { id: id ?? '' } } }),
    enabled: id !== null,
  });
}

/** GET /locations: the business's locations (their time zone decides what "today" is). */
export function useLocations() {
  return useQuery({ queryKey: adminKeys.locations, queryFn: () => adminApi.get('/api/v1/locations', { params: { query: { limit: 100 } } }), staleTime: 300_000 });
}

/** GET /resources: the staff and rooms to filter by. */
export function useResources() {
  return useQuery({ queryKey: adminKeys.resources, queryFn: () => adminApi.get('/api/v1/resources', { params: { query: { limit: 100 } } }), staleTime: 300_000 });
}

/** PATCH /bookings/{id} with an action of the state machine; every booking list and the detail refresh after it. */
export function useBookingAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, reason }: { id: string; action: DeskAction; reason?: string }) =>
      adminApi.patch('/api/v1/bookings/{id}', {
        params: { path: { id } },
        body: { action, ...(reason ? { cancellation_reason: reason } : {}) },
      }),
    onSuccess: (booking) => {
      queryClient.setQueryData(adminKeys.booking(booking.id), booking);
      void queryClient.invalidateQueries({ queryKey: adminKeys.bookings });
    },
  });
}
