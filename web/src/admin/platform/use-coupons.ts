import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { EnvelopeData, paths } from '@reservehub/api-client';
import { adminApi } from '../session/session.ts';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;

export type Coupon = EnvelopeData<Json<paths['/api/v1/platform/coupons']['get']['responses'][200]>>[number];
export type CouponBody = Json<paths['/api/v1/platform/coupons']['post']['requestBody']>;

const couponsKey = ['platform', 'coupons'] as const;
/** The console's business billing panel (billing-panel.tsx) reads the business's coupon under this key. */
const businessBillingKey = (tenantId: string) => ['admin', 'platform', 'billing', tenantId] as const;

/** Every coupon, running ones first (platform administrators only). */
export function useCoupons() {
  return useQuery({ queryKey: couponsKey, queryFn: () => adminApi.get('/api/v1/platform/coupons') });
}

export function useCreateCoupon() {
  const client = useQueryClient();
  return useMutation({ mutationFn: (body: CouponBody) => adminApi.post('/api/v1/platform/coupons', { body }), onSuccess: () => client.invalidateQueries({ queryKey: couponsKey }) });
}

export function useArchiveCoupon() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => adminApi.post('/api/v1/platform/coupons/{id}/archive', { params: { path: { id } } }),
    onSuccess: () => client.invalidateQueries({ queryKey: couponsKey }),
  });
}

/** Applies a code to a business's subscription, or takes its coupon off (`code` null). */
export function useBusinessCoupon(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (code: string | null): Promise<void> => {
      if (code === null) await adminApi.delete('/api/v1/platform/tenants/{id}/billing/coupon', { params: { path: { id: tenantId } } });
      else await adminApi.post('/api/v1/platform/tenants/{id}/billing/coupon', { params: { path: { id: tenantId } }, body: { code } });
    },
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: businessBillingKey(tenantId) }), client.invalidateQueries({ queryKey: couponsKey })]),
  });
}
