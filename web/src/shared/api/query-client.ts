import { QueryClient } from '@tanstack/react-query';
import { ApiError } from '@reservehub/api-client';

/** The one server-state cache of a page (TanStack Query), shared by the providers and the entries' prefetches. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not change by asking again; network and 5xx get two more tries.
      retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: false,
    },
  },
});
