import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from './api-client.ts';
import { fetchRangeSplitting, freeSlotsByDate } from './availability-range.ts';
import { queryKeys } from './query-keys.ts';

export type { Availability, FreeSlot, FreeSlotsByDate } from './availability-range.ts';

/** GET /api/v1/availability for a service over local dates [fromDate, toDate] (split when too large). */
export function useAvailability(slug: string, serviceId: string, fromDate: string, toDate: string, enabled = true) {
  return useQuery({
    queryKey: queryKeys.availability(slug, serviceId, fromDate, toDate),
    queryFn: async () => {
      const parts = await fetchRangeSplitting(
        (from, to) =>
          api.get('/api/v1/availability', {
            headers: { 'X-Tenant': slug },
            params: { query: { service_id: serviceId, from_date: from, to_date: to } },
          }),
        fromDate,
        toDate,
      );
      return freeSlotsByDate(parts);
    },
    enabled: enabled && fromDate <= toDate,
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });
}
