/** The hours screen's query keys (locations and resources are the dashboard's shared keys). */
export const hoursKeys = {
  all: ['admin', 'hours'] as const,
  schedules: (resourceId: string) => ['admin', 'hours', 'schedules', resourceId] as const,
  exceptions: (resourceId: string, from: string) => ['admin', 'hours', 'exceptions', resourceId, from] as const,
  closures: (locationId: string, from: string) => ['admin', 'hours', 'closures', locationId, from] as const,
};

/** The calendar caches working hours (schedules, exceptions, closures) under this prefix: refreshed after a change here. */
export const calendarPrefix = ['admin', 'calendar'] as const;
