import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { EnvelopeData, paths } from '@reservehub/api-client';
import { adminKeys } from '../admin-keys.ts';
import { adminApi } from '../session/session.ts';

export type SetupStatus = EnvelopeData<paths['/api/v1/business/setup-status']['get']['responses']['200']['content']['application/json']>;
export type SetupStepKey = SetupStatus['steps'][number]['key'];

/**
 * GET /business/setup-status: the first-run checklist. Every successful change in the dashboard
 * marks it stale (main.tsx's mutation cache), and it is read again when the window regains focus,
 * so a step ticks itself off without a reload, the booking page's step included.
 */
export function useSetupStatus(enabled: boolean) {
  return useQuery({
    queryKey: adminKeys.setupStatus,
    queryFn: () => adminApi.get('/api/v1/business/setup-status'),
    enabled,
  });
}

/** POST /business/setup-status/booking-page-shared: the page was opened or its link copied. */
export function useMarkBookingPageShared() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => adminApi.post('/api/v1/business/setup-status/booking-page-shared'),
    onSuccess: (status) => queryClient.setQueryData(adminKeys.setupStatus, status),
  });
}
