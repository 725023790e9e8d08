import { Alert, Button, Group, Loader, MultiSelect, NumberInput, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ApiError } from '@reservehub/api-client';
import i18next, { type TFunction } from 'i18next';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../reports/format.ts';
import { errorText } from '../ui/error-text.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import couponsEn from './i18n/coupons-en.json';
import couponsEs from './i18n/coupons-es.json';
import platformClasses from './platform.module.css';
import classes from './plans.module.css';
import { useArchiveCoupon, useBusinessCoupon, useCoupons, useCreateCoupon, type Coupon, type CouponBody } from './use-coupons.ts';
import { usePlatformPlans } from './use-plans-editor.ts';
import { DateField } from '../ui/date-field.tsx';

// The coupons' words load with the plans page's chunk.
i18next.addResourceBundle('en', 'coupons', couponsEn, true, true);
i18next.addResourceBundle('es', 'coupons', couponsEs, true, true);

type T = TFunction<['coupons', 'admin']>;

/** A refusal in the coupons' words (its code), else the console's sentence for the failure. */
function couponError(error: unknown, t: T): string {
  if (error instanceof ApiError && t(`coupons:errors.${error.code}`, { defaultValue: '' })) return t(`coupons:errors.${error.code}`);
  return errorText(error, t as TFunction<'admin'>);
}

export function discountText(coupon: Pick<Coupon, 'percent_off' | 'amount_off'>, t: T, language: string): string {
  return coupon.percent_off !== null
    ? t('coupons:percentOff', { percent: coupon.percent_off })
    : t('coupons:amountOff', { amount: formatMoney(language, coupon.amount_off?.amount ?? 0, coupon.amount_off?.currency ?? 'USD') });
}

const stateOf = (coupon: Coupon): 'running' | 'expired' | 'archived' =>
  coupon.archived_at ? 'archived' : coupon.redeem_by && Date.parse(coupon.redeem_by) <= Date.now() ? 'expired' : 'running';

/** On /platform/plans: the coupons on the plans, their redemptions, archiving and a new one. */
export function CouponsPanel() {
  const { t, i18n } = useTranslation(['coupons', 'admin']);
  const coupons = useCoupons();
  const archive = useArchiveCoupon();
  const date = (iso: string) => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(new Date(iso));
  const list = coupons.data ?? [];
  return (
    <section aria-labelledby="coupons-title" data-testid="platform-coupons">
      <Stack gap="md">
        <Stack gap={4} className={classes.head}>
          <Title order={2} id="coupons-title">
            {t('coupons:title')}
          </Title>
          <Text c="dimmed" size="sm">
            {t('coupons:help')}
          </Text>
        </Stack>
        {coupons.isPending ? (
          <Loader aria-label={t('admin:loading')} />
        ) : coupons.isError ? (
          <Alert color="red" title={t('coupons:loadFailed')}>
            {couponError(coupons.error, t)}
          </Alert>
        ) : list.length === 0 ? (
          <Text c="dimmed" data-testid="coupons-empty">
            {t('coupons:empty')}
          </Text>
        ) : (
          <div className={platformClasses.tableWrap} tabIndex={0} role="region" aria-label={t('coupons:title')}>
            <table className={platformClasses.table}>
              <thead>
                <tr>
                  <th scope="col">{t('coupons:columns.code')}</th>
                  <th scope="col">{t('coupons:columns.discount')}</th>
                  <th scope="col">{t('coupons:columns.duration')}</th>
                  <th scope="col" className={platformClasses.number}>
                    {t('coupons:columns.redeemed')}
                  </th>
                  <th scope="col">{t('coupons:columns.state')}</th>
                  <th scope="col">
                    <span className={classes.visuallyHidden}>{t('coupons:columns.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((coupon) => {
                  const state = stateOf(coupon);
                  return (
                    <tr key={coupon.id} data-testid="coupon-row" data-code={coupon.code}>
                      <th scope="row" className={classes.planCell}>
                        <span className={classes.planName}>{coupon.code}</span>
                        <span className={classes.subline}>{coupon.name}</span>
                      </th>
                      <td>
                        {discountText(coupon, t, i18n.language)}
                        {coupon.plan_ids.length > 0 && <span className={classes.subline}>{t('coupons:forPlans', { plans: coupon.plan_ids.join(', ') })}</span>}
                      </td>
                      <td>
                        {coupon.duration === 'repeating' ? t('coupons:duration.repeating', { count: coupon.duration_months ?? 1 }) : t(`coupons:duration.${coupon.duration}`)}
                        {coupon.redeem_by && <span className={classes.subline}>{t('coupons:expires', { date: date(coupon.redeem_by) })}</span>}
                      </td>
                      <td className={platformClasses.number}>
                        {coupon.max_redemptions === null ? t('coupons:redeemedUnlimited', { count: coupon.times_redeemed }) : t('coupons:redeemed', { count: coupon.times_redeemed, max: coupon.max_redemptions })}
                      </td>
                      <td>
                        <ToneBadge tone={state === 'running' ? 'positive' : 'neutral'}>{t(`coupons:state.${state}`)}</ToneBadge>
                      </td>
                      <td>
                        {!coupon.archived_at && (
                          <Button
                            size="compact-sm"
                            variant="default"
                            aria-label={t('coupons:archiveOf', { code: coupon.code })}
                            loading={archive.isPending && archive.variables === coupon.id}
                            onClick={() =>
                              void archive.mutateAsync(coupon.id).then(
                                () => notifications.show({ color: 'green', message: t('coupons:archived', { code: coupon.code }) }),
                                (error: unknown) => notifications.show({ color: 'red', message: couponError(error, t) }),
                              )
                            }
                          >
                            {t('coupons:archive')}
                          </Button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <NewCoupon />
      </Stack>
    </section>
  );
}

/** The new coupon's form: amounts typed in major units of the chosen currency. */
function NewCoupon() {
  const { t } = useTranslation(['coupons', 'admin']);
  const create = useCreateCoupon();
  const plans = usePlatformPlans();
  const [form, setForm] = useState({ code: '', name: '', kind: 'percent', value: '' as number | string, currency: 'USD', duration: 'once', months: 3 as number | string, max: '' as number | string, redeemBy: '', plans: [] as string[] });
  const set = (patch: Partial<typeof form>) => setForm((previous) => ({ ...previous, ...patch }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = Number(form.value);
    const body: CouponBody = {
      code: form.code.trim(),
      name: form.name.trim(),
      duration: form.duration as CouponBody['duration'],
      ...(form.kind === 'percent' ? { percent_off: Math.round(value) } : { amount_off: { amount: Math.round(value * 100), currency: form.currency } }),
      ...(form.duration === 'repeating' ? { duration_months: Number(form.months) } : {}),
      ...(form.max !== '' ? { max_redemptions: Number(form.max) } : {}),
      ...(form.redeemBy ? { redeem_by: new Date(`${form.redeemBy}T23:59:59Z`).toISOString() } : {}),
      ...(form.plans.length > 0 ? { plan_ids: form.plans } : {}),
    };
    void create.mutateAsync(body).then(
      (created) => {
        notifications.show({ color: 'green', message: t('coupons:create.created', { code: created.code }) });
        set({ code: '', name: '', value: '', max: '', redeemBy: '', plans: [] });
      },
      () => undefined,
    );
  };
  return (
    <form onSubmit={submit} className={classes.section} data-testid="coupon-form">
      <Title order={3} size="h4">
        {t('coupons:create.title')}
      </Title>
      <div className={classes.grid}>
        <TextInput required label={t('coupons:create.code')} description={t('coupons:create.codeHelp')} value={form.code} onChange={(event) => set({ code: event.currentTarget.value })} data-testid="coupon-code" />
        <TextInput required label={t('coupons:create.name')} value={form.name} onChange={(event) => set({ name: event.currentTarget.value })} data-testid="coupon-name" />
        <Select
          label={t('coupons:create.kind')}
          value={form.kind}
          onChange={(value) => value && set({ kind: value })}
          allowDeselect={false}
          data={[
            { value: 'percent', label: t('coupons:create.percent') },
            { value: 'amount', label: t('coupons:create.amount') },
          ]}
          data-testid="coupon-kind"
        />
        <NumberInput
          required
          label={form.kind === 'percent' ? t('coupons:create.percentValue') : t('coupons:create.amountValue')}
          min={form.kind === 'percent' ? 1 : 0.01}
          max={form.kind === 'percent' ? 100 : undefined}
          decimalScale={form.kind === 'percent' ? 0 : 2}
          value={form.value}
          onChange={(value) => set({ value })}
          data-testid="coupon-value"
        />
        {form.kind === 'amount' && (
          <Select label={t('coupons:create.currency')} value={form.currency} onChange={(value) => value && set({ currency: value })} allowDeselect={false} data={['USD', 'EUR', 'GBP']} />
        )}
        <Select
          label={t('coupons:create.duration')}
          value={form.duration}
          onChange={(value) => value && set({ duration: value })}
          allowDeselect={false}
          data={[
            { value: 'once', label: t('coupons:create.durationOnce') },
            { value: 'repeating', label: t('coupons:create.durationRepeating') },
            { value: 'forever', label: t('coupons:create.durationForever') },
          ]}
          data-testid="coupon-duration"
        />
        {form.duration === 'repeating' && <NumberInput required label={t('coupons:create.months')} min={1} max={36} value={form.months} onChange={(months) => set({ months })} data-testid="coupon-months" />}
        <NumberInput label={t('coupons:create.maxRedemptions')} min={1} value={form.max} onChange={(max) => set({ max })} />
        <DateField label={t('coupons:create.redeemBy')} value={form.redeemBy} onChange={(value) => set({ redeemBy: value })} clearable />
        <MultiSelect label={t('coupons:create.plans')} data={(plans.data ?? []).map((plan) => ({ value: plan.id, label: plan.name }))} value={form.plans} onChange={(value) => set({ plans: value })} />
      </div>
      {create.isError && (
        <Alert color="red" data-testid="coupon-error">
          {couponError(create.error, t)}
        </Alert>
      )}
      <Group>
        <Button type="submit" loading={create.isPending} data-testid="coupon-create">
          {t('coupons:create.submit')}
        </Button>
      </Group>
    </form>
  );
}

/** In a business's billing panel: its running coupon (and taking it off), or applying a code. */
export function BusinessCoupon({ tenantId, coupon }: { tenantId: string; coupon: Pick<Coupon, 'code' | 'percent_off' | 'amount_off'> & { ends_at: string | null } | null }) {
  const { t, i18n } = useTranslation(['coupons', 'admin']);
  const change = useBusinessCoupon(tenantId);
  const [code, setCode] = useState('');
  const done = (message: string) => () => {
    setCode('');
    notifications.show({ color: 'green', message });
  };
  return (
    <Stack gap={6} data-testid="platform-business-coupon">
      {coupon ? (
        <Group gap="sm" wrap="wrap">
          <Text size="sm">
            {t('coupons:business.title')}: {t('coupons:business.running', { code: coupon.code, off: discountText(coupon, t, i18n.language) })}
            {coupon.ends_at && ` · ${t('coupons:business.endsOn', { date: new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(new Date(coupon.ends_at)) })}`}
          </Text>
          <Button size="compact-sm" variant="default" loading={change.isPending} onClick={() => change.mutate(null, { onSuccess: done(t('coupons:business.removed')) })}>
            {t('coupons:business.remove')}
          </Button>
        </Group>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (code.trim()) change.mutate(code.trim(), { onSuccess: done(t('coupons:business.applied')) });
          }}
        >
          <Group align="flex-end" gap="sm" wrap="wrap">
            <TextInput label={t('coupons:business.code')} value={code} onChange={(event) => setCode(event.currentTarget.value)} miw={200} data-testid="platform-coupon-code" />
            <Button type="submit" variant="default" loading={change.isPending} data-testid="platform-coupon-apply">
              {t('coupons:business.apply')}
            </Button>
          </Group>
        </form>
      )}
      {change.isError && <Alert color="red">{couponError(change.error, t)}</Alert>}
    </Stack>
  );
}
