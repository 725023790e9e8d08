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
  /** Everything of the customer signed in at a business (sign-out drops it all). */
  myAccount: (slug: string) => ['me', slug] as const,
  myProfile: (slug: string) => ['me', slug, 'profile'] as const,
  myConsents: (slug: string) => ['me', slug, 'consents'] as const,
  myBookingsAll: (slug: string) => ['me', slug, 'bookings'] as const,
  myBookings: (slug: string, scope: 'upcoming' | 'past') => ['me', slug, 'bookings', scope] as const,
  myCancellationPreview: (slug: string, bookingId: string) => ['me', slug, 'bookings', bookingId, 'preview-cancel'] as const,
  myPaymentMethods: (slug: string) => ['me', slug, 'payment-methods'] as const,
};
