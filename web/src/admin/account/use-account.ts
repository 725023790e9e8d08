import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminKeys } from '../admin-keys.ts';
import { adminApi, publicApi, session } from '../session/session.ts';

/**
 * The account's own screens: the links the server e-mails (password reset, e-mail check,
 * invitation), sign-up, and the signed-in person's security (password, two-step verification,
 * sessions).
 */

export function useRequestPasswordReset() {
  return useMutation({ mutationFn: (email: string) => publicApi.post('/api/v1/auth/password-reset', { body: { email } }) });
}

export function useConfirmPasswordReset() {
  return useMutation({
    mutationFn: (body: { token: string; new_password: string }) => publicApi.post('/api/v1/auth/password-reset/confirm', { body }),
  });
}

export function useVerifyEmail() {
  return useMutation({ mutationFn: (token: string) => publicApi.post('/api/v1/auth/verify-email', { body: { token } }) });
}

/** Accepting an invitation opens a session, unless the person has two-step verification on. */
export function useAcceptInvitation() {
  return useMutation({
    mutationFn: (body: { token: string; password: string; first_name?: string; last_name?: string }) =>
      publicApi.post('/api/v1/users/invitations/accept', { body }),
    onSuccess: (answer) => {
      if ('access_token' in answer && typeof answer.access_token === 'string' && 'refresh_token' in answer && typeof answer.refresh_token === 'string') {
        session.store({ access_token: answer.access_token, refresh_token: answer.refresh_token });
      }
    },
  });
}

export interface SignupForm {
  tenant_name: string;
  tenant_slug: string;
  timezone: string;
  currency: string;
  email: string;
  password: string;
  first_name: string;
  last_name: string;
}

export function useSignup() {
  return useMutation({
    mutationFn: (body: SignupForm) => publicApi.post('/api/v1/auth/signup', { body }),
    onSuccess: (answer) => {
      if ('access_token' in answer) session.store(answer);
    },
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (body: { current_password: string; new_password: string }) => adminApi.post('/api/v1/auth/password', { body }),
  });
}

export function useSessions() {
  return useQuery({ queryKey: adminKeys.sessions, queryFn: () => adminApi.get('/api/v1/auth/sessions') });
}

export function useEndSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => adminApi.delete('/api/v1/auth/sessions/{id}', { params: { path: { id } } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminKeys.sessions }),
  });
}

/** Two-step verification: start (secret and otpauth URI), confirm with a code, turn off, new recovery codes. */
export function useMfa() {
  const queryClient = useQueryClient();
  const refreshMe = () => queryClient.invalidateQueries({ queryKey: adminKeys.me });
  return {
    enroll: useMutation({ mutationFn: () => adminApi.post('/api/v1/auth/mfa/enroll') }),
    enable: useMutation({ mutationFn: (code: string) => adminApi.post('/api/v1/auth/mfa/enable', { body: { code } }), onSuccess: refreshMe }),
    disable: useMutation({ mutationFn: (password: string) => adminApi.post('/api/v1/auth/mfa/disable', { body: { password } }), onSuccess: refreshMe }),
    recoveryCodes: useMutation({ mutationFn: (password: string) => adminApi.post('/api/v1/auth/mfa/recovery-codes', { body: { password } }) }),
  };
}
