import { ApiError, type EnvelopeData, type paths } from '@reservehub/api-client';
import { allPages, type Page } from '../ui/all-pages.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminKeys } from '../admin-keys.ts';
import { adminApi } from '../session/session.ts';
import { calendarPrefix, hoursKeys } from './keys.ts';
import type { TimeSlot, WallRange } from './week-model.ts';

export type Location = EnvelopeData<paths['/api/v1/locations']['get']['responses']['200']['content']['application/json']>[number];
export type Resource = EnvelopeData<paths['/api/v1/resources']['get']['responses']['200']['content']['application/json']>[number];
export type Schedule = EnvelopeData<paths['/api/v1/schedules']['get']['responses']['200']['content']['application/json']>[number];
export type ScheduleException = EnvelopeData<paths['/api/v1/schedule-exceptions']['get']['responses']['200']['content']['application/json']>[number];
export type Closure = EnvelopeData<paths['/api/v1/locations/{id}/closures']['get']['responses']['200']['content']['application/json']>[number];
export type LocationBody = NonNullable<paths['/api/v1/locations']['post']['requestBody']>['content']['application/json'];
export type LocationPatch = NonNullable<paths['/api/v1/locations/{id}']['patch']['requestBody']>['content']['application/json'];

export function useLocations() {
  return useQuery({ queryKey: adminKeys.locations, queryFn: () => adminApi.get('/api/v1/locations', { params: { query: { limit: 100 } } }), staleTime: 300_000 });
}

export function useResources() {
  return useQuery({ queryKey: adminKeys.resources, queryFn: () => adminApi.get('/api/v1/resources', { params: { query: { limit: 100 } } }), staleTime: 300_000 });
}

/** Every schedule of one resource, active or not (the editor works on its weekly one). */
export function useSchedules(resourceId: string | null) {
  return useQuery({
    queryKey: hoursKeys.schedules(resourceId ?? ''),
    enabled: resourceId !== null,
    queryFn: () =>
      allPages<Schedule>((cursor) => adminApi.raw.GET('/api/v1/schedules', { params: { query: { resource_id: resourceId ?? '', limit: 100, ...(cursor ? { cursor } : {}) } } }) as Promise<Page<Schedule>>),
  });
}

/** The resource's exceptions from `from` on. */
export function useExceptions(resourceId: string | null, from: string) {
  return useQuery({
    queryKey: hoursKeys.exceptions(resourceId ?? '', from),
    enabled: resourceId !== null,
    queryFn: () =>
      allPages<ScheduleException>(
        (cursor) =>
          adminApi.raw.GET('/api/v1/schedule-exceptions', { params: { query: { resource_id: resourceId ?? '', from_date: from, limit: 100, ...(cursor ? { cursor } : {}) } } }) as Promise<
            Page<ScheduleException>
          >,
      ),
  });
}

/** The location's closures from `from` on. */
export function useClosures(locationId: string | null, from: string) {
  return useQuery({
    queryKey: hoursKeys.closures(locationId ?? '', from),
    enabled: locationId !== null,
    queryFn: () => adminApi.get('/api/v1/locations/{id}/closures', { params: { path: { id: locationId ?? '' }, query: { from_date: from } } }),
  });
}

function useRefresh() {
  const queryClient = useQueryClient();
  return () => Promise.all([queryClient.invalidateQueries({ queryKey: hoursKeys.all }), queryClient.invalidateQueries({ queryKey: calendarPrefix })]);
}

/** POST or PATCH a location. */
export function useSaveLocation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: LocationBody }) =>
      id === null ? adminApi.post('/api/v1/locations', { body }) : adminApi.patch('/api/v1/locations/{id}', { params: { path: { id } }, body: body as LocationPatch }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.locations }),
  });
}

/** Saves the weekly schedule: PATCH the resource's weekly schedule, or POST one; no hours at all turns it off. */
export function useSaveWeek() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: async ({ resourceId, schedule, slots, name, startDate }: { resourceId: string; schedule: Schedule | null; slots: TimeSlot[]; name: string; startDate: string }) => {
      if (schedule === null) {
        if (slots.length === 0) return null;
        return adminApi.post('/api/v1/schedules', { body: { resource_id: resourceId, name, start_date: startDate, time_slots: slots } });
      }
      const body = slots.length === 0 ? { is_active: false } : { time_slots: slots, is_active: true };
      return adminApi.patch('/api/v1/schedules/{id}', { params: { path: { id: schedule.id } }, body });
    },
    onSettled: refresh,
  });
}

/** Closes the location on each date (one request per date; dates already closed are skipped by the caller). */
export function useAddClosures() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: async ({ locationId, dates, reason }: { locationId: string; dates: string[]; reason: string }) => {
      for (const date of dates) {
        await adminApi.post('/api/v1/locations/{id}/closures', { params: { path: { id: locationId } }, body: { closure_date: date, ...(reason ? { reason } : {}) } });
      }
    },
    onSettled: refresh,
  });
}

export function useRemoveClosure() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ locationId, closureId }: { locationId: string; closureId: string }) =>
      adminApi.delete('/api/v1/locations/{id}/closures/{closure_id}', { params: { path: { id: locationId, closure_id: closureId } } }),
    onSettled: refresh,
  });
}

export interface ExceptionDraft {
  type: 'unavailable' | 'custom_hours';
  hours: WallRange[];
  reason: string;
}

/** Creates one exception per date (a series: the dates its rule yields), four requests at a time. */
export function useAddExceptions() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: async ({ resourceId, dates, draft }: { resourceId: string; dates: string[]; draft: ExceptionDraft }) => {
      const queue = [...dates];
      const worker = async () => {
        for (let date = queue.shift(); date !== undefined; date = queue.shift()) {
          await adminApi.post('/api/v1/schedule-exceptions', {
            body: {
              resource_id: resourceId,
              exception_date: date,
              type: draft.type,
              ...(draft.type === 'custom_hours' ? { custom_hours: draft.hours } : {}),
              ...(draft.reason ? { reason: draft.reason } : {}),
            },
          });
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
    },
    onSettled: refresh,
  });
}

/** Removes exceptions (one, or every date of a series). */
export function useRemoveExceptions() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: async (ids: string[]) => {
      const queue = [...ids];
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          await adminApi.delete('/api/v1/schedule-exceptions/{id}', { params: { path: { id } } }).catch((error: unknown) => {
            // Already gone (removed in another tab): that is what was asked.
            if (!(error instanceof ApiError && error.status === 404)) throw error;
          });
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
    },
    onSettled: refresh,
  });
}
