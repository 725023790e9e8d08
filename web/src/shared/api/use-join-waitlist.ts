import { useMutation } from '@tanstack/react-query';
import type { paths } from '@reservehub/api-client';
import { api } from './api-client.ts';

type WaitlistJoin = NonNullable<paths['/api/v1/waitlist']['post']['requestBody']>['content']['application/json'];

/** POST /api/v1/waitlist as a guest of the business named by `slug`: told by email when a time opens. */
export function useJoinWaitlist(slug: string) {
  return useMutation({
    mutationFn: (body: WaitlistJoin) => api.post('/api/v1/waitlist', { headers: { 'X-Tenant': slug }, body }),
  });
}
