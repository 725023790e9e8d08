import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { EnvelopeData, paths } from '@reservehub/api-client';
import { adminApi } from '../session/session.ts';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;

export type PlatformPlan = EnvelopeData<Json<paths['/api/v1/platform/plans']['get']['responses'][200]>>[number];
export type PlanCreateBody = Json<paths['/api/v1/platform/plans']['post']['requestBody']>;
export type PlanPatchBody = Json<NonNullable<paths['/api/v1/platform/plans/{id}']['patch']['requestBody']>>;

/** The same key as the console's plan picker (use-platform.ts), so one edit refreshes both. */
const plansKey = ['platform', 'plans'] as const;

/** Every plan, public or hidden, with its subscribers (platform administrators only). */
export function usePlatformPlans() {
  return useQuery({ queryKey: plansKey, queryFn: () => adminApi.get('/api/v1/platform/plans') });
}

/** Creates a plan, or changes one (`id`); the list and the businesses' price list are read again. */
export function useSavePlan() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: null; body: PlanCreateBody } | { id: string; body: PlanPatchBody }) =>
      input.id === null
        ? adminApi.post('/api/v1/platform/plans', { body: input.body })
        : adminApi.patch('/api/v1/platform/plans/{id}', { params: { path: { id: input.id } }, body: input.body }),
    onSuccess: async () => {
      await Promise.all([client.invalidateQueries({ queryKey: plansKey }), client.invalidateQueries({ queryKey: ['plans'] })]);
    },
  });
}
