/** The Messages screen's query keys (a mutation invalidates what it changed with one line). */
export const messageKeys = {
  all: ['admin', 'messages'] as const,
  catalogue: ['admin', 'messages', 'catalogue'] as const,
  templates: ['admin', 'messages', 'templates'] as const,
  preview: (input: Record<string, unknown>) => ['admin', 'messages', 'preview', input] as const,
  outbox: ['admin', 'messages', 'outbox'] as const,
  outboxList: (filters: Record<string, unknown>) => ['admin', 'messages', 'outbox', 'list', filters] as const,
  message: (id: string) => ['admin', 'messages', 'outbox', 'detail', id] as const,
  settings: ['admin', 'messages', 'settings'] as const,
  business: ['admin', 'messages', 'business'] as const,
};
