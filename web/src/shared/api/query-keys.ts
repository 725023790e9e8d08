/**
 * Every TanStack Query key in one place, so a mutation invalidates what it changed
 * with one line (`queryClient.invalidateQueries({ queryKey: queryKeys.bookingPage(slug) })`).
 */
export const queryKeys = {
  bookingPage: (slug: string) => ['booking-page', slug] as const,
  managedBooking: (token: string) => ['manage', token] as const,
  cancellationPreview: (token: string) => ['manage', token, 'preview-cancel'] as const,
};
