/** Every dashboard query key in one place (a mutation invalidates what it changed with one line). */
export const adminKeys = {
  me: ['admin', 'me'] as const,
  sessions: ['admin', 'sessions'] as const,
  pushPublicKey: ['admin', 'push', 'public-key'] as const,
  /** This browser's push state (support, permission, subscription) and the member's devices on the server. */
  devicePush: ['admin', 'push', 'device'] as const,
  connect: ['admin', 'payments', 'connect'] as const,
  locations: ['admin', 'locations'] as const,
  resources: ['admin', 'resources'] as const,
  /** Every booking list and detail (an action invalidates them all). */
  bookings: ['admin', 'bookings'] as const,
  bookingList: (filters: Record<string, unknown>) => ['admin', 'bookings', 'list', filters] as const,
  booking: (id: string) => ['admin', 'bookings', 'detail', id] as const,
  /** The first-run checklist: stale after every change the dashboard makes. */
  setupStatus: ['admin', 'setup-status'] as const,
};
