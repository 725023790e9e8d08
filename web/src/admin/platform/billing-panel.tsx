import { Alert, Button, Group, Loader, NumberInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../reports/format.ts';
import { adminApi } from '../session/session.ts';
import { errorText } from '../ui/error-text.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import classes from './platform.module.css';
import { RefundDialog, type RefundableInvoice } from './refund-dialog.tsx';
import { BusinessCoupon } from './coupons-panel.tsx';

const billingKey = (tenantId: string) => ['admin', 'platform', 'billing', tenantId] as const;

/**
 * A business's billing as support sees it: subscription state, payment method, credit, the latest
 * invoices and credit notes; and the support and finance actions, a longer trial, account credit and the
 * refund of a paid invoice with a credit note (all audited).
 */
export function BillingPanel({ tenantId }: { tenantId: string }) {
  const { t, i18n } = useTranslation('admin');
  const { t: billingT } = useTranslation('platformBilling');
  const [refunding, setRefunding] = useState<RefundableInvoice | null>(null);
  const client = useQueryClient();
  const billing = useQuery({ queryKey: billingKey(tenantId), queryFn: () => adminApi.get('/api/v1/platform/tenants/{id}/billing', { params: { path: { id: tenantId } } }) });
  const refresh = () => client.invalidateQueries({ queryKey: billingKey(tenantId) });
  const extend = useMutation({
    mutationFn: (days: number) => adminApi.post('/api/v1/platform/tenants/{id}/billing/extend-trial', { params: { path: { id: tenantId } }, body: { days } }),
    onSuccess: refresh,
  });
  const credit = useMutation({
    mutationFn: (input: { amount: number; reason: string }) => adminApi.post('/api/v1/platform/tenants/{id}/billing/credit', { params: { path: { id: tenantId } }, body: input }),
    onSuccess: refresh,
  });
  const [days, setDays] = useState<number | string>(7);
  const [amount, setAmount] = useState<number | string>('');
  const [reason, setReason] = useState('');
  const date = (iso: string | null | undefined) => (iso ? new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(new Date(iso)) : '—');
  const data = billing.data;
  const subscription = data?.subscription;
  const currency = data?.invoices[0]?.currency ?? 'USD';
  return (
    <section className={classes.panel} aria-labelledby="billing-title" data-testid="platform-billing">
      <Stack gap="sm">
        <Title order={2} size="h3" id="billing-title">
          {t('platform.billing.title')}
        </Title>
        {billing.isPending ? (
          <Loader size="sm" aria-label={t('loading')} />
        ) : billing.isError ? (
          <Alert color="red">{errorText(billing.error, t)}</Alert>
        ) : (
          <>
            {subscription && (
              <Group gap="sm" wrap="wrap">
                <ToneBadge tone={subscription.status === 'active' ? 'positive' : subscription.status === 'trialing' ? 'info' : subscription.status === 'cancelled' ? 'neutral' : 'danger'} testId="platform-billing-status">
                  {t(`platform.billing.status.${subscription.status}`)}
                </ToneBadge>
                <Text size="sm">
                  {subscription.status === 'trialing'
                    ? t('platform.billing.trialUntil', { date: date(subscription.trial_end) })
                    : subscription.status === 'past_due'
                      ? t('platform.billing.pastDue', { since: date(subscription.past_due_since), next: date(subscription.next_attempt_at) })
                      : t('platform.billing.periodEnds', { date: date(subscription.current_period_end) })}
                </Text>
              </Group>
            )}
            <Text size="sm">
              {data?.account.payment_method ? t('platform.billing.card', { brand: data.account.payment_method.brand.toUpperCase(), last4: data.account.payment_method.last4 }) : t('platform.billing.noCard')}
              {' · '}
              {t('platform.billing.credit', { amount: formatMoney(i18n.language, data?.account.credit_balance ?? 0, currency) })}
            </Text>
            {subscription && <BusinessCoupon tenantId={tenantId} coupon={data?.coupon ?? null} />}
            {data && data.invoices.length > 0 ? (
              <Stack gap={4} data-testid="platform-billing-invoices">
                {data.invoices.slice(0, 5).map((invoice) => (
                  <Group key={invoice.id} gap="sm" wrap="wrap">
                    <Text size="sm" fw={600}>
                      {invoice.number}
                    </Text>
                    <Text size="sm" c="dimmed">
                      {date(invoice.issued_at)}
                    </Text>
                    <Text size="sm">{formatMoney(i18n.language, invoice.total, invoice.currency)}</Text>
                    {invoice.kind === 'credit_note' ? (
                      <ToneBadge tone="info">{billingT('creditNote')}</ToneBadge>
                    ) : invoice.refund_state !== 'none' ? (
                      <ToneBadge tone="neutral">{billingT(invoice.refund_state === 'full' ? 'fullyRefunded' : 'partlyRefunded')}</ToneBadge>
                    ) : (
                      <ToneBadge tone={invoice.status === 'paid' ? 'positive' : invoice.status === 'open' ? 'warning' : 'neutral'}>{t(`platform.billing.invoice.${invoice.status}`)}</ToneBadge>
                    )}
                    {invoice.kind === 'invoice' && invoice.status === 'paid' && invoice.refund_state !== 'full' && invoice.total > 0 && (
                      <Button size="compact-xs" variant="default" onClick={() => setRefunding(invoice)} data-testid={`platform-refund-${invoice.number}`}>
                        {billingT('refund')}
                      </Button>
                    )}
                  </Group>
                ))}
              </Stack>
            ) : (
              <Text size="sm" c="dimmed">
                {t('platform.billing.noInvoices')}
              </Text>
            )}
            {subscription?.status === 'trialing' && (
              <Group align="flex-end" gap="sm" wrap="wrap">
                <NumberInput label={t('platform.billing.extendDays')} min={1} max={90} value={days} onChange={setDays} w={140} data-testid="platform-extend-days" />
                <Button
                  variant="default"
                  loading={extend.isPending}
                  data-testid="platform-extend-trial"
                  onClick={() =>
                    void extend.mutateAsync(Number(days)).then(
                      () => notifications.show({ color: 'green', message: t('platform.billing.extended') }),
                      (error: unknown) => notifications.show({ color: 'red', message: errorText(error, t) }),
                    )
                  }
                >
                  {t('platform.billing.extend')}
                </Button>
              </Group>
            )}
            <form
              onSubmit={(event) => {
                event.preventDefault();
                const minor = Math.round(Number(amount) * 100);
                if (!(minor > 0) || reason.trim().length < 3) return;
                void credit.mutateAsync({ amount: minor, reason: reason.trim() }).then(
                  () => {
                    setAmount('');
                    setReason('');
                    notifications.show({ color: 'green', message: t('platform.billing.credited') });
                  },
                  (error: unknown) => notifications.show({ color: 'red', message: errorText(error, t) }),
                );
              }}
            >
              <Group align="flex-end" gap="sm" wrap="wrap">
                <NumberInput label={t('platform.billing.creditAmount', { currency })} min={0.01} decimalScale={2} value={amount} onChange={setAmount} w={160} data-testid="platform-credit-amount" />
                <TextInput label={t('platform.billing.creditReason')} value={reason} onChange={(event) => setReason(event.currentTarget.value)} miw={220} data-testid="platform-credit-reason" />
                <Button type="submit" variant="default" loading={credit.isPending} data-testid="platform-credit">
                  {t('platform.billing.grant')}
                </Button>
              </Group>
            </form>
          </>
        )}
      </Stack>
      {refunding && <RefundDialog tenantId={tenantId} invoice={refunding} onClose={() => setRefunding(null)} onRefunded={() => void refresh()} />}
    </section>
  );
}
