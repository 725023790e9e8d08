import type { EnvelopeData, paths } from '@reservehub/api-client';
import { allPages, type Page } from '../ui/all-pages.ts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminKeys } from '../admin-keys.ts';
import type { Booking } from '../desk/use-desk.ts';
import { adminApi } from '../session/session.ts';

/**
 * The calendar's server state. Bookings of the visible dates refresh every 15 seconds while the
 * page is visible (the API sends no ETag on GET /bookings, so a light poll; React Query keeps the
 * cards in place between answers). Every key sits under the dashboard's booking key, so a desk
 * action refreshes the calendar too.
 */
export const calendarKeys = {
  bookings: (range: { locationId: string; from: string; to: string }) => [...adminKeys.bookings, 'calendar', range] as const,
  schedules: ['admin', 'calendar', 'schedules'] as const,
  exceptions: (from: string, to: string) => ['admin', 'calendar', 'exceptions', from, to] as const,
  closures: (locationId: string, from: string, to: string) => ['admin', 'calendar', 'closures', locationId, from, to] as const,
  services: ['admin', 'calendar', 'services'] as const,
  categories: ['admin', 'calendar', 'categories'] as const,
  customers: (search: string) => ['admin', 'calendar', 'customers', search] as const,
};

export const POLL_MS = 15_000;

/** Statuses that hold a place on the grid (cancelled and expired bookings free their time). */
export const CALENDAR_STATUSES = ['confirmed', 'pending_payment', 'completed', 'no_show'] as const;

export type Service = EnvelopeData<paths['/api/v1/services']['get']['responses']['200']['content']['application/json']>[number];
export type Category = EnvelopeData<paths['/api/v1/service-categories']['get']['responses']['200']['content']['application/json']>[number];
export type Schedule = EnvelopeData<paths['/api/v1/schedules']['get']['responses']['200']['content']['application/json']>[number];
export type ScheduleException = EnvelopeData<paths['/api/v1/schedule-exceptions']['get']['responses']['200']['content']['application/json']>[number];
export type Customer = EnvelopeData<paths['/api/v1/customers']['get']['responses']['200']['content']['application/json']>[number];
type CreateBody = NonNullable<paths['/api/v1/bookings']['post']['requestBody']>['content']['application/json'];

/** GET /bookings of the visible local dates, every page, refreshed every 15 s. */
export function useCalendarBookings(range: { locationId: string; from: string; to: string } | null) {
  return useQuery({
    queryKey: calendarKeys.bookings(range ?? { locationId: '', from: '', to: '' }),
    enabled: range !== null,
    queryFn: () =>
      allPages<Booking>((cursor) =>
        adminApi.raw.GET('/api/v1/bookings', {
          params: { query: { from_date: range?.from ?? '', to_date: range?.to ?? '', status: [...CALENDAR_STATUSES], limit: 100, ...(cursor ? { cursor } : {}) } },
        }) as Promise<Page<Booking>>,
      ),
    placeholderData: keepPreviousData,
    refetchInterval: POLL_MS,
    refetchIntervalInBackground: false,
  });
}

/** GET /schedules (all of the business's; they change rarely). */
export function useSchedules() {
  return useQuery({
    queryKey: calendarKeys.schedules,
    queryFn: () => allPages<Schedule>((cursor) => adminApi.raw.GET('/api/v1/schedules', { params: { query: { limit: 100, is_active: 'true', ...(cursor ? { cursor } : {}) } } }) as Promise<Page<Schedule>>),
    staleTime: 60_000,
  });
}

/** GET /schedule-exceptions of the visible dates. */
export function useExceptions(from: string, to: string) {
  return useQuery({
    queryKey: calendarKeys.exceptions(from, to),
    queryFn: () =>
      allPages<ScheduleException>((cursor) =>
        adminApi.raw.GET('/api/v1/schedule-exceptions', { params: { query: { from_date: from, to_date: to, limit: 100, ...(cursor ? { cursor } : {}) } } }) as Promise<Page<ScheduleException>>,
      ),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/** GET /locations/{id}/closures of the visible dates. */
export function useClosures(locationId: string | null, from: string, to: string) {
  return useQuery({
    queryKey: calendarKeys.closures(locationId ?? '', from, to),
    enabled: locationId !== null,
    queryFn: () => adminApi.get('/api/v1/locations/{id}/closures', { params: { path: { id: locationId ?? '' }, query: { from_date: from, to_date: to } } }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/** GET /services: durations, which resources deliver them, their category (the cards' colour). */
export function useServices() {
  return useQuery({ queryKey: calendarKeys.services, queryFn: () => adminApi.get('/api/v1/services', { params: { query: { limit: 100, status: 'active' } } }), staleTime: 300_000 });
}

/** GET /service-categories: their colours. */
export function useCategories() {
  return useQuery({ queryKey: calendarKeys.categories, queryFn: () => adminApi.get('/api/v1/service-categories', { params: { query: { limit: 100 } } }), staleTime: 300_000 });
}

/** GET /customers?search= (exact email or phone, or the start of name words: a blind index, no fuzzy match). */
export function useCustomerSearch(search: string) {
  const term = search.trim();
  return useQuery({
    queryKey: calendarKeys.customers(term),
    enabled: term.length >= 3,
    queryFn: () => adminApi.get('/api/v1/customers', { params: { query: { search: term, limit: 8, status: 'active' } } }),
    staleTime: 30_000,
  });
}

/** PATCH /bookings/{id} reschedule: a new start and, when handed over, a new resource. The server checks the slot. */
export function useMoveBooking() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, start, resourceId }: { id: string; start: string; resourceId: string }) =>
      adminApi.patch('/api/v1/bookings/{id}', { params: { path: { id } }, body: { action: 'reschedule', new_start_time: start, new_resource_id: resourceId } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminKeys.bookings }),
  });
}

/** POST /bookings/{id}/resize: a new end, same start, resource and price. The server checks hours and overlaps. */
export function useResizeBooking() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, end }: { id: string; end: string }) => adminApi.post('/api/v1/bookings/{id}/resize', { params: { path: { id } }, body: { end_time: end } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminKeys.bookings }),
  });
}

/** POST /bookings as staff, for a phone or walk-in customer (source `admin`). */
export function useCreateBooking() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateBody) => adminApi.post('/api/v1/bookings', { body: { ...body, source: 'admin' } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.bookings }),
  });
}
