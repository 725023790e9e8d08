/** The catalogue screens' query keys (locations and resources are the dashboard's shared keys). */
export const catalogKeys = {
  all: ['admin', 'catalog'] as const,
  services: ['admin', 'catalog', 'services'] as const,
  categories: ['admin', 'catalog', 'categories'] as const,
  users: ['admin', 'catalog', 'users'] as const,
  tiers: (serviceId: string) => ['admin', 'catalog', 'tiers', serviceId] as const,
};

/** The calendar caches services, categories and working hours under this prefix: refreshed after a change here. */
export const calendarPrefix = ['admin', 'calendar'] as const;
