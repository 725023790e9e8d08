/** The Developers screen's query keys (one place; a mutation invalidates what it changed). */
export const developerKeys = {
  all: ['admin', 'developers'] as const,
  endpoints: ['admin', 'developers', 'webhook-endpoints'] as const,
  deliveries: (endpointId: string) => ['admin', 'developers', 'webhook-endpoints', endpointId, 'deliveries'] as const,
  apiKeys: ['admin', 'developers', 'api-keys'] as const,
  feeds: ['admin', 'developers', 'calendar-feeds'] as const,
  resources: ['admin', 'developers', 'resources'] as const,
  businesses: ['admin', 'developers', 'businesses'] as const,
};
