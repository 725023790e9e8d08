import { Alert, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ApiError } from '@reservehub/api-client';
import i18next from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../reports/format.ts';
import { errorText } from '../ui/error-text.ts';
import couponEn from './i18n/coupon-en.json';
import couponEs from './i18n/coupon-es.json';
import { useRedeemCoupon, type BillingOverview } from './use-billing.ts';

// The coupon, price and fee words load with the billing screen's chunk.
i18next.addResourceBundle('en', 'billingCoupon', couponEn, true, true);
i18next.addResourceBundle('es', 'billingCoupon', couponEs, true, true);

type Price = NonNullable<BillingOverview['price']>;
type Coupon = NonNullable<BillingOverview['coupon']>;
type Invoice = { discount: { code: string; amount: number } | null; transaction_fees: Array<{ payments: number; amount: number; currency: string }> | null; currency: string };

const dateOf = (language: string, iso: string) => new Intl.DateTimeFormat(language, { dateStyle: 'long' }).format(new Date(iso));

/** A coupon refusal in words (the API's codes), else the dashboard's sentence for the failure. */
function couponErrorText(error: unknown, t: ReturnType<typeof useTranslation<['billingCoupon', 'admin']>>['t']): string {
  if (error instanceof ApiError && t(`billingCoupon:coupon.errors.${error.code}`, { defaultValue: '' })) return t(`billingCoupon:coupon.errors.${error.code}`);
  return errorText(error, t);
}

/** What the subscription really pays (a grandfathered business pays less than the list) and what its renewal moves to. */
export function OwnPrice({ price }: { price: Price }) {
  const { t, i18n } = useTranslation(['billingCoupon']);
  if (price.amount === null) return <Text size="sm">{t('billingCoupon:price.contract')}</Text>;
  const money = (amount: number) => formatMoney(i18n.language, amount, price.currency);
  const per = t(`billingCoupon:price.per.${price.interval}`);
  return (
    <Stack gap={2} data-testid="billing-own-price" data-amount={price.amount}>
      <Text size="sm" fw={600}>
        {t('billingCoupon:price.paying', { amount: money(price.amount), per })}
      </Text>
      {price.grandfathered && price.list_amount !== null && (
        <Text size="sm" c="dimmed">
          {t('billingCoupon:price.grandfathered', { list: money(price.list_amount) })}
        </Text>
      )}
      {price.renewal && price.renewal.amount !== null && (
        <Text size="sm" data-testid="billing-renewal-price">
          {t('billingCoupon:price.renewal', { date: dateOf(i18n.language, price.renewal.at), amount: money(price.renewal.amount), per })}
        </Text>
      )}
    </Stack>
  );
}

/** The running coupon, or (for owners) the field to apply a code. */
export function CouponCard({ coupon, canChange }: { coupon: Coupon | null; canChange: boolean }) {
  const { t, i18n } = useTranslation(['billingCoupon', 'admin']);
  const redeem = useRedeemCoupon();
  const [code, setCode] = useState('');
  const off = coupon
    ? coupon.percent_off !== null
      ? t('billingCoupon:coupon.percentOff', { percent: coupon.percent_off })
      : t('billingCoupon:coupon.amountOff', { amount: formatMoney(i18n.language, coupon.amount_off?.amount ?? 0, coupon.amount_off?.currency ?? 'USD') })
    : '';
  return (
    <Paper withBorder radius="md" p="lg" data-testid="billing-coupon">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('billingCoupon:coupon.title')}
        </Title>
        {coupon ? (
          <Stack gap={2}>
            <Text size="sm" fw={600} data-testid="billing-coupon-running">
              {t('billingCoupon:coupon.running', { code: coupon.code, off })}
            </Text>
            <Text size="sm" c="dimmed">
              {t(`billingCoupon:coupon.duration.${coupon.duration}`, { date: coupon.ends_at ? dateOf(i18n.language, coupon.ends_at) : '' })}
            </Text>
          </Stack>
        ) : !canChange ? (
          <Text size="sm" c="dimmed">
            {t('billingCoupon:coupon.none')}
          </Text>
        ) : (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              redeem.mutate(code.trim(), { onSuccess: () => notifications.show({ color: 'green', message: t('billingCoupon:coupon.applied') }) });
            }}
          >
            <Group align="flex-end" gap="sm" wrap="wrap">
              <TextInput
                label={t('billingCoupon:coupon.label')}
                description={t('billingCoupon:coupon.help')}
                value={code}
                onChange={(event) => setCode(event.currentTarget.value)}
                autoCapitalize="characters"
                autoComplete="off"
                maw={320}
                w="100%"
                data-testid="billing-coupon-code"
              />
              <Button type="submit" loading={redeem.isPending} disabled={code.trim() === ''} data-testid="billing-coupon-apply">
                {t('billingCoupon:coupon.apply')}
              </Button>
            </Group>
          </form>
        )}
        {redeem.isError && (
          <Alert color="red" data-testid="billing-coupon-error">
            {couponErrorText(redeem.error, t)}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

/** Under an invoice's total: its coupon discount and the period's transaction-fee statement (information, not charged). */
export function InvoiceExtras({ invoice }: { invoice: Invoice }) {
  const { t, i18n } = useTranslation(['billingCoupon']);
  const fees = invoice.transaction_fees;
  return (
    <>
      {invoice.discount && (
        <Text size="xs" c="dimmed" data-testid="billing-invoice-discount">
          {t('billingCoupon:invoice.discount', { code: invoice.discount.code, amount: formatMoney(i18n.language, invoice.discount.amount, invoice.currency) })}
        </Text>
      )}
      {fees &&
        (fees.length === 0 ? (
          <Text size="xs" c="dimmed">
            {t('billingCoupon:invoice.noFees')}
          </Text>
        ) : (
          fees.map((fee) => (
            <Text key={fee.currency} size="xs" c="dimmed" data-testid="billing-invoice-fees">
              {t('billingCoupon:invoice.fees', { count: fee.payments, amount: formatMoney(i18n.language, fee.amount, fee.currency) })}
            </Text>
          ))
        ))}
    </>
  );
}
