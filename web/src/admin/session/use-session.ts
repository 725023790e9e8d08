import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import type { EnvelopeData, paths } from '@reservehub/api-client';
import { adminKeys } from '../admin-keys.ts';
import { adminApi, publicApi, session } from './session.ts';

export type Me = EnvelopeData<paths['/api/v1/auth/me']['get']['responses']['200']['content']['application/json']>;
type LoginAnswer = EnvelopeData<paths['/api/v1/auth/login']['post']['responses']['200']['content']['application/json']>;

/** Whether there is an access token now (re-renders on sign-in and sign-out). */
export function useSignedIn(): boolean {
  return useSyncExternalStore(session.subscribe, session.signedIn);
}

/** GET /auth/me: who is signed in, in which business, with which permissions. */
export function useMe(enabled = true) {
  return useQuery({ queryKey: adminKeys.me, queryFn: () => adminApi.get('/api/v1/auth/me'), enabled, staleTime: 60_000 });
}

/** Whether the signed-in person may `action` on `subject` ("update", "Booking"), as the permission list says. */
export function can(me: Me | undefined, action: string, subject: string): boolean {
  const granted = new Set(me?.permissions ?? []);
  return granted.has(`${action}:${subject}`) || granted.has(`manage:${subject}`) || granted.has(`*:${subject}`) || granted.has('manage:all');
}

/**
 * Whether the person works for the platform rather than a business: its administrators and its
 * auditors sign in to the platform, use the console (/platform) and must have a second factor.
 */
export function isPlatformPerson(me: Me | undefined): boolean {
  return me?.role === 'platform_admin' || me?.role === 'platform_auditor';
}

/** POST /auth/login: tokens, or the MFA step's token. */
export function useLogin() {
  return useMutation({
    mutationFn: (body: { email: string; password: string }): Promise<LoginAnswer> => publicApi.post('/api/v1/auth/login', { body }),
    onSuccess: (answer) => {
      if (!answer.mfa_required) session.store(answer);
    },
  });
}

/** POST /auth/mfa/verify: the second step with a TOTP or recovery code. */
export function useMfaVerify() {
  return useMutation({
    mutationFn: (body: { mfa_token: string; code: string }) => publicApi.post('/api/v1/auth/mfa/verify', { body }),
    onSuccess: (tokens) => session.store(tokens),
  });
}

/** POST /auth/logout, then everything cached for this person goes. */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => adminApi.post('/api/v1/auth/logout').catch(() => undefined),
    onSettled: () => {
      session.end('signed_out');
      queryClient.clear();
    },
  });
}

/** POST /auth/switch-tenant: a session in another business the person works for. */
export function useSwitchBusiness() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tenantId: string) => adminApi.post('/api/v1/auth/switch-tenant', { body: { tenant_id: tenantId } }),
    onSuccess: (tokens) => {
      session.store(tokens);
      // Reset rather than clear: the screens on view ask again as the other business (a cleared cache left them showing this one).
      void queryClient.resetQueries();
    },
  });
}
