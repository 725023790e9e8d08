import type { EnvelopeData, paths } from '@reservehub/api-client';
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminApi } from '../session/session.ts';
import { pageOf, type Page } from '../ui/all-pages.ts';
import { teamKeys } from './keys.ts';

export type Member = EnvelopeData<paths['/api/v1/users']['get']['responses']['200']['content']['application/json']>[number];
export type Role = EnvelopeData<paths['/api/v1/roles']['get']['responses']['200']['content']['application/json']>[number];
export type Plan = EnvelopeData<paths['/api/v1/plans']['get']['responses']['200']['content']['application/json']>[number];
export type Usage = EnvelopeData<paths['/api/v1/tenants/{id}/usage']['get']['responses']['200']['content']['application/json']>;
export type PendingInvitation = EnvelopeData<paths['/api/v1/users/invitations']['get']['responses']['200']['content']['application/json']>[number];
export type AuditEntry = EnvelopeData<paths['/api/v1/audit-logs']['get']['responses']['200']['content']['application/json']>[number];
export type AssignableRole = 'business_admin' | 'manager' | 'receptionist' | 'staff' | 'custom';
export interface RoleInput {
  name: string;
  description: string | null;
  permissions: string[];
}

/** Every member of the business (pages of 100 followed to the end: a team is small). */
export function useMembers(enabled = true) {
  return useQuery({
    queryKey: teamKeys.members,
    enabled,
    queryFn: async () => {
      const all: Member[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 20; page += 1) {
        const answer = pageOf((await adminApi.raw.GET('/api/v1/users', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } })) as Page<Member>);
        all.push(...answer.items);
        if (!answer.next) break;
        cursor = answer.next;
      }
      return all;
    },
  });
}

/** System roles and the business's custom roles. */
export function useRoles(enabled = true) {
  return useQuery({ queryKey: teamKeys.roles, enabled, queryFn: () => adminApi.get('/api/v1/roles') });
}

export function useMemberMutations() {
  const queryClient = useQueryClient();
  const settle = () => queryClient.invalidateQueries({ queryKey: teamKeys.all });
  return {
    update: useMutation({
      mutationFn: ({
        id,
        body,
      }: {
        id: string;
        body: { role?: AssignableRole; custom_role_id?: string | null; location_ids?: string[] | null; status?: 'active' | 'deactivated' };
      }) =>
        adminApi.patch('/api/v1/users/{id}', { params: { path: { id } }, body }),
      onSettled: settle,
    }),
    invite: useMutation({
      mutationFn: (body: { email: string; role: AssignableRole; custom_role_id?: string | null; location_ids?: string[] | null }) =>
        adminApi.post('/api/v1/users/invitations', { body }),
      onSettled: settle,
    }),
  };
}

export function useRoleMutations() {
  const queryClient = useQueryClient();
  const settle = () => queryClient.invalidateQueries({ queryKey: teamKeys.all });
  return {
    create: useMutation({ mutationFn: (body: RoleInput) => adminApi.post('/api/v1/roles', { body }), onSettled: settle }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: string; body: RoleInput }) => adminApi.patch('/api/v1/roles/{id}', { params: { path: { id } }, body }),
      onSettled: settle,
    }),
    remove: useMutation({ mutationFn: (id: string) => adminApi.delete('/api/v1/roles/{id}', { params: { path: { id } } }), onSettled: settle }),
  };
}

export function usePlans() {
  return useQuery({ queryKey: teamKeys.plans, queryFn: () => adminApi.get('/api/v1/plans'), staleTime: 300_000 });
}

export function useUsage(tenantId: string) {
  return useQuery({ queryKey: teamKeys.usage(tenantId), queryFn: () => adminApi.get('/api/v1/tenants/{id}/usage', { params: { path: { id: tenantId } } }) });
}

export function useLimits(tenantId: string) {
  return useQuery({ queryKey: teamKeys.limits(tenantId), queryFn: () => adminApi.get('/api/v1/tenants/{id}/limits', { params: { path: { id: tenantId } } }) });
}

export interface AuditFilters {
  action?: string;
  actor?: string;
  entity_type?: string;
  from?: string;
  to?: string;
}

/** The audit log, newest first, page after page with the cursor. */
export function useAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: teamKeys.audit({ ...filters }),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      pageOf((await adminApi.raw.GET('/api/v1/audit-logs', { params: { query: { limit: 25, ...filters, ...(pageParam ? { cursor: pageParam } : {}) } } })) as Page<AuditEntry>),
    getNextPageParam: (last) => last.next,
    placeholderData: keepPreviousData,
  });
}

/** Invitations not yet accepted (for those who may read the team). */
export function usePendingInvitations(enabled = true) {
  return useQuery({ queryKey: teamKeys.invitations, enabled, queryFn: () => adminApi.get('/api/v1/users/invitations') });
}

/** Send an invitation again (a fresh link) or take it back. */
export function useInvitationMutations() {
  const queryClient = useQueryClient();
  const settle = () => queryClient.invalidateQueries({ queryKey: teamKeys.invitations });
  return {
    resend: useMutation({ mutationFn: (id: string) => adminApi.post('/api/v1/users/invitations/{id}/resend', { params: { path: { id } } }), onSettled: settle }),
    revoke: useMutation({ mutationFn: (id: string) => adminApi.delete('/api/v1/users/invitations/{id}', { params: { path: { id } } }), onSettled: settle }),
  };
}
