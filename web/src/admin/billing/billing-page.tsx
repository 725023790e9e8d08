import { Alert, Anchor, Button, Group, List, Modal, Paper, Select, Skeleton, Stack, Text, Textarea, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ApiError } from '@reservehub/api-client';
import i18next from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { currentLanguage } from '../../shared/i18n/i18n.ts';
import { formatMoney } from '../reports/format.ts';
import { can, type Me } from '../session/use-session.ts';
import { errorText } from '../ui/error-text.ts';
import { ToneBadge, type Tone } from '../ui/tone-badge.tsx';
import classes from './billing.module.css';
import { PortalButton } from './portal-button.tsx';
import { DataExportCard } from './data-export-card.tsx';
import { CouponCard, InvoiceExtras, OwnPrice } from './coupon-card.tsx';
import billingEn from './i18n/en.json';
import billingEs from './i18n/es.json';
import {
  downloadInvoice,
  useBilling,
  useCancelAtPeriodEnd,
  useChangePlan,
  useInvoices,
  usePayInvoice,
  usePlans,
  useSaveAccount,
  useSavePaymentMethod,
  type BillingAccountInput,
  type BillingOverview,
} from './use-billing.ts';

// The billing screen's words load with its chunk.
i18next.addResourceBundle('en', 'billing', billingEn, true, true);
i18next.addResourceBundle('es', 'billing', billingEs, true, true);

type Interval = 'month' | 'year';
const STATUS_TONE: Record<string, Tone> = { trialing: 'info', active: 'positive', past_due: 'warning', unpaid: 'danger', cancelled: 'neutral' };
const SANDBOX_METHODS = ['pm_card_visa', 'pm_card_mastercard', 'pm_card_chargeCustomerFail', 'pm_card_chargeDeclined'] as const;

function useDate() {
  const { i18n } = useTranslation();
  return (iso: string | null | undefined) => (iso ? new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long' }).format(new Date(iso)) : '—');
}

/** Words for a refusal: the excesses a downgrade must shed, else the API's sentence. */
function refusalText(error: unknown, t: ReturnType<typeof useTranslation<['billing', 'admin']>>['t']): string[] {
  if (error instanceof ApiError && typeof error.details === 'object' && error.details !== null) {
    const details = error.details as { reason?: string; excesses?: Array<{ metric: string; limit: number; current: number }> };
    if (details.reason === 'usage_exceeds_plan' && details.excesses) {
      return [t('billing:downgrade.refused'), ...details.excesses.map((excess) => t(`billing:downgrade.excess.${excess.metric}`, { current: excess.current, limit: excess.limit, defaultValue: `${excess.metric}: ${excess.current} / ${excess.limit}` }))];
    }
    if (details.reason && t(`billing:errors.${details.reason}`, { defaultValue: '' })) return [t(`billing:errors.${details.reason}`)];
  }
  return [errorText(error, t)];
}

/**
 * /admin/settings/billing: the business's subscription (trial, renewal, a waiting downgrade,
 * cancellation), plan and interval changes with what each costs, the payment method, the billing
 * details the invoices carry and the invoices themselves (PDF, pay an open one). Owners change it;
 * others who may read the tenant see it.
 */
export default function BillingPage({ me }: { me: Me }) {
  const { t } = useTranslation(['billing', 'admin']);
  const language = currentLanguage();
  const overview = useBilling();
  const canChange = can(me, 'update', 'Tenant');
  if (overview.isPending) return <Skeleton h={320} />;
  if (overview.isError) return <Alert color="red">{errorText(overview.error, t)}</Alert>;
  const { subscription, account, provider, price, coupon } = overview.data;
  return (
    <Stack gap="lg" maw={960}>
      <Title order={1} size="h2">
        {t('billing:title')}
      </Title>
      {subscription && <SubscriptionCard subscription={subscription} price={price} canChange={canChange} hasCard={account.payment_method !== null} />}
      {subscription && <CouponCard coupon={coupon} canChange={canChange} />}
      {subscription && canChange && <DataExportCard subscription={subscription} />}
      {subscription && canChange && <PlanChooser current={subscription.plan_id} interval={subscription.billing_interval} status={subscription.status} />}
      <PaymentMethodCard method={account.payment_method} provider={provider} canChange={canChange} />
      <AccountCard account={account} canChange={canChange} />
      <InvoicesCard language={language} canPay={canChange} />
    </Stack>
  );
}

type Subscription = NonNullable<NonNullable<ReturnType<typeof useBilling>['data']>['subscription']>;

function SubscriptionCard({ subscription, price, canChange, hasCard }: { subscription: Subscription; price: BillingOverview['price']; canChange: boolean; hasCard: boolean }) {
  const { t } = useTranslation(['billing', 'admin']);
  const date = useDate();
  const plans = usePlans();
  const cancel = useCancelAtPeriodEnd();
  const change = useChangePlan();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const planName = (id: string | null) => plans.data?.find((plan) => plan.id === id)?.name ?? id ?? '';
  const status = subscription.status;
  const line =
    status === 'trialing'
      ? t(hasCard ? 'billing:status.trialingWithCard' : 'billing:status.trialingUntil', { date: date(subscription.trial_end ?? subscription.current_period_end) })
      : status === 'past_due'
        ? t('billing:status.pastDueRetry', { date: date(subscription.next_attempt_at) })
        : status === 'unpaid'
          ? t('billing:status.unpaidHelp')
          : subscription.cancel_at_period_end
            ? t('billing:status.endsOn', { date: date(subscription.current_period_end) })
            : t('billing:status.renewsOn', { date: date(subscription.current_period_end) });
  return (
    <Paper withBorder radius="md" p="lg" data-testid="billing-subscription">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Text fw={700} size="lg" data-testid="billing-plan">
            {t('billing:planLine', { plan: planName(subscription.plan_id), interval: t(`billing:interval.${subscription.billing_interval}`) })}
          </Text>
          <ToneBadge tone={STATUS_TONE[status] ?? 'neutral'} testId="billing-status">
            {t(`billing:status.${status}`)}
          </ToneBadge>
        </Group>
        {price && <OwnPrice price={price} />}
        <Text size="sm">{line}</Text>
        <Anchor component={Link} to="/admin/settings/plan" size="sm" w="fit-content" data-testid="billing-usage-link">
          {t('billingCoupon:plans.usageLink')}
        </Anchor>
        {subscription.pending_plan_id && (
          <Group gap="sm" wrap="wrap">
            <Text size="sm" data-testid="billing-pending">
              {t('billing:pendingChange', {
                plan: planName(subscription.pending_plan_id),
                interval: t(`billing:interval.${subscription.pending_interval ?? subscription.billing_interval}`),
                date: date(subscription.current_period_end),
              })}
            </Text>
            {canChange && (
              <Button size="compact-sm" variant="subtle" loading={change.isPending} onClick={() => change.mutate({ plan_id: subscription.plan_id, interval: subscription.billing_interval })}>
                {t('billing:keepCurrent')}
              </Button>
            )}
          </Group>
        )}
        {canChange && (status === 'active' || status === 'trialing') && (
          <Group>
            {subscription.cancel_at_period_end ? (
              <Button variant="default" size="sm" loading={cancel.isPending} onClick={() => cancel.mutate(false)} data-testid="billing-resume">
                {t('billing:resume')}
              </Button>
            ) : (
              <Button variant="subtle" color="red" size="sm" onClick={() => setConfirmCancel(true)} data-testid="billing-cancel">
                {t('billing:cancel')}
              </Button>
            )}
          </Group>
        )}
      </Stack>
      <Modal opened={confirmCancel} onClose={() => setConfirmCancel(false)} title={t('billing:cancelTitle')} lockScroll={false} closeButtonProps={{ 'aria-label': t('billing:close') }}>
        <Stack>
          <Text size="sm">{t('billing:cancelHelp', { date: date(subscription.current_period_end) })}</Text>
          {cancel.isError && <Alert color="red">{errorText(cancel.error, t)}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmCancel(false)}>
              {t('billing:keep')}
            </Button>
            <Button
              color="red"
              loading={cancel.isPending}
              data-testid="billing-cancel-confirm"
              onClick={() => void cancel.mutateAsync(true).then(() => setConfirmCancel(false), () => undefined)}
            >
              {t('billing:cancelConfirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

function PlanChooser({ current, interval: currentInterval, status }: { current: string; interval: Interval; status: string }) {
  const { t, i18n } = useTranslation(['billing', 'admin']);
  const plans = usePlans();
  const change = useChangePlan();
  const [interval, setInterval] = useState<Interval>(currentInterval);
  const [target, setTarget] = useState<string | null>(null);
  const listed = (plans.data ?? []).filter((plan) => plan.price !== null);
  const chosen = listed.find((plan) => plan.id === target);
  const currentPlan = listed.find((plan) => plan.id === current);
  const priceOf = (plan: (typeof listed)[number], which: Interval) => (which === 'year' ? (plan.annual_price?.amount ?? null) : (plan.price?.amount ?? null));
  const dearer = chosen && currentPlan ? (priceOf(chosen, interval) ?? 0) > (priceOf(currentPlan, currentInterval) ?? 0) || (interval === 'year' && currentInterval === 'month') : false;
  const effect = status === 'trialing' ? t('billing:change.inTrial') : dearer ? t('billing:change.now') : t('billing:change.atPeriodEnd');
  const close = () => {
    setTarget(null);
    change.reset();
  };
  return (
    <Paper withBorder radius="md" p="lg">
      <Stack gap="md">
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h4">
            {t('billing:plansTitle')}
          </Title>
          <Group gap={4} role="group" aria-label={t('billing:intervalLabel')}>
            {(['month', 'year'] as const).map((which) => (
              <Button key={which} size="xs" variant={interval === which ? 'filled' : 'default'} aria-pressed={interval === which} onClick={() => setInterval(which)} data-testid={`billing-interval-${which}`}>
                {t(`billing:interval.${which}`)}
              </Button>
            ))}
          </Group>
        </Group>
        {plans.isPending ? (
          <Skeleton h={120} />
        ) : (
          <div className={classes.plans}>
            {listed.map((plan) => {
              const amount = priceOf(plan, interval);
              const isCurrent = plan.id === current && interval === currentInterval;
              return (
                <Paper key={plan.id} withBorder radius="md" p="md" className={classes.plan} data-current={isCurrent} data-testid={`billing-plan-${plan.id}`}>
                  <Text fw={700}>{plan.name}</Text>
                  <Text className={classes.price}>{amount === null || !plan.price ? '—' : formatMoney(i18n.language, amount, plan.price.currency)}</Text>
                  <Text size="xs" c="dimmed">
                    {t(`billing:per.${interval}`)}
                  </Text>
                  <Text size="sm">
                    {plan.limits.bookings_per_month === null
                      ? t('billing:limits.unlimitedBookings')
                      : t('billing:limits.bookings', { count: plan.limits.bookings_per_month, number: new Intl.NumberFormat(i18n.language).format(plan.limits.bookings_per_month) })}
                    {' · '}
                    {plan.limits.users === null ? t('billing:limits.unlimitedUsers') : t('billing:limits.users', { count: plan.limits.users, number: plan.limits.users })}
                  </Text>
                  <Button mt="auto" variant={isCurrent ? 'light' : 'filled'} disabled={isCurrent} onClick={() => setTarget(plan.id)} data-testid={`billing-choose-${plan.id}`}>
                    {isCurrent ? t('billing:currentPlan') : t('billing:choose')}
                  </Button>
                </Paper>
              );
            })}
          </div>
        )}
      </Stack>
      <Modal opened={chosen !== undefined} onClose={close} title={t('billing:change.title', { plan: chosen?.name ?? '', interval: t(`billing:interval.${interval}`) })} lockScroll={false} closeButtonProps={{ 'aria-label': t('billing:close') }}>
        <Stack>
          <Text size="sm">{effect}</Text>
          {change.isError && (
            <Alert color="red" data-testid="billing-change-error">
              <List size="sm" spacing={2}>
                {refusalText(change.error, t).map((sentence) => (
                  <List.Item key={sentence}>{sentence}</List.Item>
                ))}
              </List>
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('billing:back')}
            </Button>
            <Button
              loading={change.isPending}
              data-testid="billing-change-confirm"
              onClick={() =>
                void change.mutateAsync({ plan_id: target ?? '', interval }).then(
                  (answer) => {
                    notifications.show({ color: 'green', message: answer.effective === 'now' ? t('billing:change.doneNow') : t('billing:change.doneLater') });
                    close();
                  },
                  () => undefined,
                )
              }
            >
              {t('billing:change.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

function PaymentMethodCard({ method, provider, canChange }: { method: { brand: string; last4: string } | null; provider: string; canChange: boolean }) {
  const { t } = useTranslation(['billing', 'admin']);
  const save = useSavePaymentMethod();
  const [choice, setChoice] = useState<string | null>('pm_card_visa');
  return (
    <Paper withBorder radius="md" p="lg">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('billing:card.title')}
        </Title>
        <Text data-testid="billing-card">{method ? t('billing:card.saved', { brand: method.brand.toUpperCase(), last4: method.last4 }) : t('billing:card.none')}</Text>
        {canChange && provider === 'sandbox' && (
          <Stack gap="xs">
            <Text size="sm" c="dimmed">
              {t('billing:card.sandboxHelp')}
            </Text>
            <Group align="flex-end" wrap="wrap">
              <Select
                label={t('billing:card.testMethod')}
                data={SANDBOX_METHODS.map((value) => ({ value, label: t(`billing:card.methods.${value}`) }))}
                value={choice}
                onChange={setChoice}
                allowDeselect={false}
                comboboxProps={{ withinPortal: true }}
                data-testid="billing-card-select"
              />
              <Button loading={save.isPending} onClick={() => choice && save.mutate(choice)} data-testid="billing-card-save">
                {method ? t('billing:card.replace') : t('billing:card.add')}
              </Button>
            </Group>
            {save.isError && <Alert color="red">{refusalText(save.error, t)[0]}</Alert>}
          </Stack>
        )}
        {canChange && provider === 'stripe' && <PortalButton hasCard={method !== null} />}
      </Stack>
    </Paper>
  );
}

type Account = NonNullable<ReturnType<typeof useBilling>['data']>['account'];

function AccountCard({ account, canChange }: { account: Account; canChange: boolean }) {
  const { t } = useTranslation(['billing', 'admin']);
  const save = useSaveAccount();
  const [form, setForm] = useState(() => ({
    legal_name: account.legal_name ?? '',
    tax_id: account.tax_id ?? '',
    country: account.country ?? '',
    email: account.email ?? '',
    address: account.address_lines.join('\n'),
    language: account.language,
  }));
  useEffect(() => {
    if (save.isSuccess) notifications.show({ color: 'green', message: t('billing:account.saved') });
  }, [save.isSuccess, t]);
  const set = (field: keyof typeof form) => (event: { currentTarget: { value: string } }) => {
    // Read now: React clears the event's currentTarget before the state updater runs.
    const value = field === 'country' ? event.currentTarget.value.toUpperCase() : event.currentTarget.value;
    setForm((previous) => ({ ...previous, [field]: value }));
  };
  const country = form.country.trim().toUpperCase();
  const countryError = country !== '' && !/^[A-Z]{2}$/.test(country) ? t('billing:account.countryInvalid') : null;
  const body: BillingAccountInput = {
    legal_name: form.legal_name.trim() || null,
    tax_id: form.tax_id.trim() || null,
    country: country || null,
    email: form.email.trim() || null,
    address_lines: form.address
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean),
    language: form.language,
  };
  return (
    <Paper withBorder radius="md" p="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!countryError) save.mutate(body);
        }}
      >
        <Stack gap="md">
          <div>
            <Title order={2} size="h4">
              {t('billing:account.title')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('billing:account.help')}
            </Text>
          </div>
          <div className={classes.fields}>
            <TextInput label={t('billing:account.legalName')} value={form.legal_name} onChange={set('legal_name')} disabled={!canChange} data-testid="billing-legal-name" />
            <TextInput label={t('billing:account.taxId')} description={t('billing:account.taxIdHelp')} value={form.tax_id} onChange={set('tax_id')} disabled={!canChange} data-testid="billing-tax-id" />
            <TextInput
              label={t('billing:account.country')}
              description={t('billing:account.countryHelp')}
              value={form.country}
              onChange={set('country')}
              maxLength={2}
              error={countryError}
              disabled={!canChange}
              data-testid="billing-country"
            />
            <TextInput label={t('billing:account.email')} type="email" value={form.email} onChange={set('email')} disabled={!canChange} data-testid="billing-email" />
            <Textarea className={classes.wide} label={t('billing:account.address')} autosize minRows={2} value={form.address} onChange={set('address')} disabled={!canChange} />
            <Select
              label={t('billing:account.language')}
              data={[
                { value: 'es', label: 'Español' },
                { value: 'en', label: 'English' },
              ]}
              value={form.language}
              onChange={(value) => value && setForm((previous) => ({ ...previous, language: value as 'es' | 'en' }))}
              allowDeselect={false}
              disabled={!canChange}
            />
          </div>
          {save.isError && <Alert color="red">{errorText(save.error, t)}</Alert>}
          {canChange && (
            <Button type="submit" w="fit-content" loading={save.isPending} data-testid="billing-account-save">
              {t('billing:account.save')}
            </Button>
          )}
        </Stack>
      </form>
    </Paper>
  );
}

function InvoicesCard({ language, canPay }: { language: 'es' | 'en'; canPay: boolean }) {
  const { t, i18n } = useTranslation(['billing', 'admin']);
  const date = useDate();
  const invoices = useInvoices(language);
  const pay = usePayInvoice();
  const [downloading, setDownloading] = useState<string | null>(null);
  return (
    <Paper withBorder radius="md" p="lg">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('billing:invoices.title')}
        </Title>
        {invoices.isPending ? (
          <Skeleton h={80} />
        ) : invoices.isError ? (
          <Alert color="red">{errorText(invoices.error, t)}</Alert>
        ) : invoices.data.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="billing-invoices-empty">
            {t('billing:invoices.empty')}
          </Text>
        ) : (
          <table className={classes.invoices} data-testid="billing-invoices">
            <thead>
              <tr>
                <th>{t('billing:invoices.number')}</th>
                <th>{t('billing:invoices.date')}</th>
                <th>{t('billing:invoices.status')}</th>
                <th className={classes.amount}>{t('billing:invoices.total')}</th>
                <th>
                  <VisuallyHidden>{t('billing:invoices.actions')}</VisuallyHidden>
                </th>
              </tr>
            </thead>
            <tbody>
              {invoices.data.map((invoice) => (
                <tr key={invoice.id} data-testid="billing-invoice-row" data-number={invoice.number}>
                  <td>
                    <Text size="sm" fw={600}>
                      {invoice.number}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {t(`billing:reason.${invoice.reason}`, { defaultValue: invoice.reason })}
                    </Text>
                  </td>
                  <td data-label={t('billing:invoices.date')}>
                    <Text size="sm" span>
                      {date(invoice.issued_at)}
                    </Text>
                  </td>
                  <td>
                    <ToneBadge tone={invoice.status === 'paid' ? 'positive' : invoice.status === 'open' ? 'warning' : 'neutral'}>{t(`billing:invoiceStatus.${invoice.status}`)}</ToneBadge>
                  </td>
                  <td className={classes.amount}>
                    {formatMoney(i18n.language, invoice.total, invoice.currency)}
                    <InvoiceExtras invoice={invoice} />
                  </td>
                  <td>
                    <div className={classes.actions}>
                      <Button
                        size="compact-sm"
                        variant="default"
                        loading={downloading === invoice.id}
                        aria-label={t('billing:invoices.pdfOf', { number: invoice.number })}
                        onClick={() => {
                          setDownloading(invoice.id);
                          downloadInvoice(invoice.id, invoice.number, language)
                            .catch((error: unknown) => notifications.show({ color: 'red', message: errorText(error, t) }))
                            .finally(() => setDownloading(null));
                        }}
                      >
                        PDF
                      </Button>
                      {canPay && invoice.status === 'open' && invoice.kind === 'invoice' && (
                        <Button
                          size="compact-sm"
                          loading={pay.isPending && pay.variables === invoice.id}
                          data-testid="billing-pay"
                          onClick={() =>
                            void pay.mutateAsync(invoice.id).then(
                              (answer) => notifications.show({ color: 'green', message: answer.restored ? t('billing:invoices.paidRestored') : t('billing:invoices.paid') }),
                              (error: unknown) => notifications.show({ color: 'red', message: refusalText(error, t)[0] ?? '' }),
                            )
                          }
                        >
                          {t('billing:invoices.pay')}
                        </Button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Stack>
    </Paper>
  );
}
