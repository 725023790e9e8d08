/**
 * Every TanStack Query key in one place, so a mutation invalidates what it changed
 * with one line (`queryClient.invalidateQueries({ queryKey: queryKeys.bookingPage(slug) })`).
 */
export const queryKeys = {
  bookingPage: (slug: string) => ['booking-page', slug] as const,
};
