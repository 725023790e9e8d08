import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminApi } from '../session/session.ts';

export const billingKeys = {
  all: ['admin', 'billing'] as const,
  overview: ['admin', 'billing', 'overview'] as const,
  invoices: (language: string) => ['admin', 'billing', 'invoices', language] as const,
  plans: ['admin', 'plans'] as const,
};

export type BillingOverview = Awaited<ReturnType<typeof fetchOverview>>;
const fetchOverview = () => adminApi.get('/api/v1/billing');

export function useBilling(enabled = true) {
  return useQuery({ queryKey: billingKeys.overview, queryFn: fetchOverview, enabled, staleTime: 30_000 });
}

export function useInvoices(language: 'es' | 'en') {
  return useQuery({ queryKey: billingKeys.invoices(language), queryFn: () => adminApi.get('/api/v1/billing/invoices', { params: { query: { lang: language } } }) });
}

export function usePlans() {
  return useQuery({ queryKey: billingKeys.plans, queryFn: () => adminApi.get('/api/v1/plans'), staleTime: 300_000 });
}

/** Every billing mutation refreshes the overview, the invoices and the person's session facts (a restored business). */
function useBillingMutation<Input, Output>(run: (input: Input) => Promise<Output>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: billingKeys.all });
      await client.invalidateQueries({ queryKey: ['admin', 'me'] });
      await client.invalidateQueries({ queryKey: ['admin', 'tenant'] });
    },
  });
}

export type BillingAccountInput = {
  legal_name?: string | null;
  tax_id?: string | null;
  address_lines?: string[];
  country?: string | null;
  email?: string | null;
  language?: 'es' | 'en';
};

export const useSaveAccount = () => useBillingMutation((body: BillingAccountInput) => adminApi.put('/api/v1/billing/account', { body }));
export const useSavePaymentMethod = () => useBillingMutation((paymentMethod: string) => adminApi.put('/api/v1/billing/payment-method', { body: { payment_method: paymentMethod } }));
export const useChangePlan = () =>
  useBillingMutation((input: { plan_id: string; interval: 'month' | 'year' }) => adminApi.post('/api/v1/billing/subscription/change', { body: input }));
export const useCancelAtPeriodEnd = () =>
  useBillingMutation((cancel: boolean) => adminApi.post(cancel ? '/api/v1/billing/subscription/cancel' : '/api/v1/billing/subscription/resume', {}));
export const useRedeemCoupon = () => useBillingMutation((code: string) => adminApi.post('/api/v1/billing/coupon', { body: { code } }));
export const usePayInvoice = () => useBillingMutation((id: string) => adminApi.post('/api/v1/billing/invoices/{id}/pay', { params: { path: { id } } }));

/** Downloads an invoice's PDF with the session's token (a plain link could not carry it). */
export async function downloadInvoice(id: string, number: string, language: 'es' | 'en'): Promise<void> {
  const result = await adminApi.raw.GET('/api/v1/billing/invoices/{id}/pdf', { params: { path: { id }, query: { lang: language } }, parseAs: 'blob' });
  if (!result.response.ok || !(result.data instanceof Blob)) throw new Error(`the invoice answered ${result.response.status}`);
  const url = URL.createObjectURL(result.data);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${number}.pdf`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
