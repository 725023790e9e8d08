/** The team, plan and audit log screens' query keys (one place; a mutation invalidates what it changed). */
export const teamKeys = {
  all: ['admin', 'team'] as const,
  members: ['admin', 'team', 'members'] as const,
  invitations: ['admin', 'team', 'invitations'] as const,
  roles: ['admin', 'team', 'roles'] as const,
  plans: ['admin', 'plan', 'plans'] as const,
  limits: (tenantId: string) => ['admin', 'plan', 'limits', tenantId] as const,
  usage: (tenantId: string) => ['admin', 'plan', 'usage', tenantId] as const,
  audit: (filters: Record<string, string>) => ['admin', 'audit-logs', filters] as const,
};
