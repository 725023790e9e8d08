/** The privacy screen's query keys: every request list under one key, so logging or closing one refreshes them all. */
export const privacyKeys = {
  requests: ['admin', 'privacy-requests'] as const,
  open: (kind: string | null) => ['admin', 'privacy-requests', 'open', kind ?? 'any'] as const,
  list: (status: string, kind: string | null) => ['admin', 'privacy-requests', 'list', status, kind ?? 'any'] as const,
  tenant: (id: string) => ['admin', 'tenant', id] as const,
};
