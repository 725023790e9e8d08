import { useMutation } from '@tanstack/react-query';
import { api } from './api-client.ts';

/** POST /api/v1/verifications: sends a six-digit code to the guest's e-mail or phone. */
export function useSendCode(slug: string) {
  return useMutation({
    mutationFn: (body: { channel: 'email' | 'sms'; destination: string; language?: 'es' | 'en' }) =>
      api.post('/api/v1/verifications', { headers: { 'X-Tenant': slug }, body }),
  });
}

/** POST /api/v1/verifications/verify: the code → the verification_token a booking carries. */
export function useVerifyCode(slug: string) {
  return useMutation({
    mutationFn: (body: { destination: string; code: string }) => api.post('/api/v1/verifications/verify', { headers: { 'X-Tenant': slug }, body }),
  });
}
