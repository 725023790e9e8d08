import type { EnvelopeData, paths } from '@reservehub/api-client';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminKeys } from '../admin-keys.ts';
import { adminApi } from '../session/session.ts';
import { addDays, instantOf, isoWithOffset } from './calendar-time.ts';
import { POLL_MS } from './use-calendar.ts';

export type TimeBlock = EnvelopeData<paths['/api/v1/time-blocks']['get']['responses']['200']['content']['application/json']>[number];
export type BlockReason = TimeBlock['reason'];
export const BLOCK_REASONS: readonly BlockReason[] = ['break', 'meeting', 'training', 'other'];

/** Under the bookings' key: a block changes what can be booked, and a booking change refreshes both. */
const blocksKey = (from: string, to: string, zone: string) => [...adminKeys.bookings, 'time-blocks', from, to, zone] as const;

/** GET /time-blocks of the visible local dates (the location's zone), refreshed with the bookings. */
export function useTimeBlocks(from: string, to: string, zone: string, enabled: boolean) {
  return useQuery({
    queryKey: blocksKey(from, to, zone),
    enabled,
    queryFn: () =>
      adminApi.get('/api/v1/time-blocks', {
        params: { query: { from: isoWithOffset(instantOf(from, 0, zone), zone), to: isoWithOffset(instantOf(addDays(to, 1), 0, zone), zone) } },
      }),
    placeholderData: keepPreviousData,
    refetchInterval: POLL_MS,
    refetchIntervalInBackground: false,
  });
}

/** POST /time-blocks: the server refuses a block over a booking (409 BLOCK_OVERLAPS_BOOKING). */
export function useCreateTimeBlock() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NonNullable<paths['/api/v1/time-blocks']['post']['requestBody']>['content']['application/json']) => adminApi.post('/api/v1/time-blocks', { body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.bookings }),
  });
}

/** DELETE /time-blocks/{id}: the time is bookable again. */
export function useRemoveTimeBlock() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => adminApi.delete('/api/v1/time-blocks/{id}', { params: { path: { id } } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.bookings }),
  });
}
