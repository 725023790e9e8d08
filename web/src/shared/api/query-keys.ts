/**
 * Every TanStack Query key in one place, so a mutation invalidates what it changed
 * with one line (`queryClient.invalidateQueries({ queryKey: queryKeys.bookingPage(slug) })`).
 */
export const queryKeys = {
  bookingPage: (slug: string) => ['booking-page', slug] as const,
  /** Every availability of a business (a booking invalidates them all). */
  availabilityAll: (slug: string) => ['availability', slug] as const,
  availability: (slug: string, serviceId: string, fromDate: string, toDate: string) => ['availability', slug, serviceId, fromDate, toDate] as const,
  managedBooking: (token: string) => ['manage', token] as const,
  cancellationPreview: (token: string) => ['manage', token, 'preview-cancel'] as const,
};
