import { Alert, Button, Group, Loader, Modal, NumberInput, Radio, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { standardSchemaResolver } from '@hookform/resolvers/standard-schema';
import { ApiError } from '@reservehub/api-client';
import i18next, { type TFunction } from 'i18next';
import { useState } from 'react';
import { Controller, useForm, type UseFormSetError } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { formatBps, formatCount, formatMoney } from '../reports/format.ts';
import type { Me } from '../session/use-session.ts';
import { errorText } from '../ui/error-text.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import plansEn from './i18n/plans-en.json';
import plansEs from './i18n/plans-es.json';
import platformClasses from './platform.module.css';
import classes from './plans.module.css';
import { usePlatformPlans, useSavePlan, type PlanCreateBody, type PlatformPlan } from './use-plans-editor.ts';
import { CouponsPanel } from './coupons-panel.tsx';

// The plans editor's words load with its chunk.
i18next.addResourceBundle('en', 'plans', plansEn, true, true);
i18next.addResourceBundle('es', 'plans', plansEs, true, true);

const SUPPORT = ['email', 'chat_email', 'phone_chat', 'dedicated'] as const;
type Support = (typeof SUPPORT)[number];

/** Decimals of a currency's minor unit (2 for EUR and USD, 0 for JPY). */
const digitsOf = (currency: string) => {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
};
const toMajor = (minor: number, currency: string) => minor / 10 ** digitsOf(currency);
const toMinor = (major: number, currency: string) => Math.round(major * 10 ** digitsOf(currency));

/** The reader's decimal and grouping marks, so a price is typed as it is read ("59,90" in Spanish). */
function separatorsOf(locale: string) {
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  return { decimalSeparator: parts.find((part) => part.type === 'decimal')?.value ?? '.', thousandSeparator: parts.find((part) => part.type === 'group')?.value ?? ',' };
}

// Error messages are keys of the namespace's `errors`, turned into words where they are shown.
const major = z.number({ error: 'required' }).min(0, 'negative').max(1_000_000, 'tooHigh');
const limit = z.number().int('wholeNumber').min(1, 'wholeNumber').max(10_000_000, 'tooHigh').nullable();
const planFormSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9](?:[a-z0-9_-]{0,48}[a-z0-9])?$/, 'id'),
    name: z.string().trim().min(1, 'required').max(80, 'tooHigh'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'currency'),
    sortOrder: z.number({ error: 'required' }).int('wholeNumber').min(0, 'negative').max(10_000, 'tooHigh'),
    contract: z.boolean(),
    monthly: major.nullable(),
    yearly: major.nullable(),
    bookings: limit,
    users: limit,
    feePercent: z.number({ error: 'required' }).min(0, 'negative').max(100, 'feeOver100'),
    feeFixed: major.max(1_000, 'tooHigh'),
    support: z.enum(SUPPORT),
    isPublic: z.boolean(),
    existing: z.enum(['keep', 'apply']),
  })
  .superRefine((form, context) => {
    if (form.contract) return;
    if (form.monthly === null) context.addIssue({ code: 'custom', path: ['monthly'], message: form.yearly === null ? 'required' : 'yearlyWithoutMonthly' });
  });
type PlanForm = z.infer<typeof planFormSchema>;

function formOf(plan: PlatformPlan | null, nextOrder: number): PlanForm {
  if (!plan) {
    return { id: '', name: '', currency: 'EUR', sortOrder: nextOrder, contract: false, monthly: null, yearly: null, bookings: null, users: null, feePercent: 0, feeFixed: 0, support: 'email', isPublic: true, existing: 'keep' };
  }
  const currency = plan.currency;
  return {
    id: plan.id,
    name: plan.name,
    currency,
    sortOrder: plan.sort_order,
    contract: plan.price === null,
    monthly: plan.price ? toMajor(plan.price.amount, currency) : null,
    yearly: plan.annual_price ? toMajor(plan.annual_price.amount, currency) : null,
    bookings: plan.limits.bookings_per_month,
    users: plan.limits.users,
    feePercent: plan.transaction_fee.bps / 100,
    feeFixed: toMajor(plan.transaction_fee.fixed.amount, currency),
    support: (SUPPORT as readonly string[]).includes(plan.support) ? (plan.support as Support) : 'email',
    isPublic: plan.is_public,
    existing: 'keep',
  };
}

/** The API's body from the form: money in minor units of the plan's currency, the fee in basis points. */
function bodyOf(form: PlanForm) {
  const monthly = form.contract || form.monthly === null ? null : toMinor(form.monthly, form.currency);
  return {
    name: form.name.trim(),
    price_amount: monthly,
    annual_price_amount: monthly === null || form.yearly === null ? null : toMinor(form.yearly, form.currency),
    bookings_per_month: form.bookings,
    users: form.users,
    fee_bps: Math.round(form.feePercent * 100),
    fee_fixed_amount: toMinor(form.feeFixed, form.currency),
    support: form.support,
    is_public: form.isPublic,
    sort_order: form.sortOrder,
  };
}

/** Server fields → form fields, so a refusal is shown next to what caused it. */
const FIELD_OF: Record<string, keyof PlanForm> = {
  id: 'id',
  name: 'name',
  currency: 'currency',
  sort_order: 'sortOrder',
  price_amount: 'monthly',
  annual_price_amount: 'yearly',
  bookings_per_month: 'bookings',
  users: 'users',
  fee_bps: 'feePercent',
  fee_fixed_amount: 'feeFixed',
  support: 'support',
};

/** One sentence for a refused save; field problems are also marked on their fields. */
function refusalWords(error: unknown, t: TFunction, setError: UseFormSetError<PlanForm>): string {
  if (!(error instanceof ApiError)) return errorText(error, t as TFunction<'admin'>);
  const reason = typeof error.details === 'object' && error.details !== null && 'reason' in error.details ? error.details.reason : null;
  if (error.status === 409 && reason === 'plan_exists') {
    setError('id', { message: 'planExists' });
    return t('plans:errors.planExists');
  }
  if (error.status === 404) return t('plans:errors.notFound');
  if (error.status === 403) return t('plans:errors.forbidden');
  if (error.code === 'VALIDATION_ERROR' && Array.isArray(error.details)) {
    for (const problem of error.details as Array<{ field?: string }>) {
      const field = FIELD_OF[String(problem.field ?? '').split('.')[0] ?? ''];
      if (field) setError(field, { message: field === 'yearly' ? 'yearlyWithoutMonthly' : field === 'feePercent' ? 'feeOver100' : 'invalid' });
    }
    return t('plans:errors.invalid');
  }
  return errorText(error, t as TFunction<'admin'>);
}

function PlanEditor({ plan, nextOrder, onClose }: { plan: PlatformPlan | null; nextOrder: number; onClose: () => void }) {
  const { t, i18n } = useTranslation(['plans', 'admin']);
  const save = useSavePlan();
  const [refusal, setRefusal] = useState<string | null>(null);
  const original = formOf(plan, nextOrder);
  const form = useForm<PlanForm>({ defaultValues: original, mode: 'onTouched', resolver: standardSchemaResolver(planFormSchema) });
  const { control, register, handleSubmit, watch, setError, formState } = form;
  const marks = separatorsOf(i18n.language);
  const currency = watch('currency') || original.currency;
  const contract = watch('contract');
  const monthly = watch('monthly');
  const yearly = watch('yearly');
  const priceChanged = plan !== null && (contract !== original.contract || (!contract && (monthly !== original.monthly || yearly !== original.yearly)));
  const askExisting = priceChanged && (plan?.subscribers ?? 0) > 0;
  const words = (message: string | undefined) => (message ? t(`plans:errors.${message}`, { defaultValue: t('plans:errors.invalid') }) : undefined);
  const moneyProps = { decimalScale: digitsOf(currency), fixedDecimalScale: true, min: 0, allowNegative: false, ...marks, rightSection: <span className={classes.unit}>{currency}</span>, rightSectionWidth: 52 };

  const submit = handleSubmit(async (values) => {
    setRefusal(null);
    try {
      const body = bodyOf(values);
      const saved =
        plan === null
          ? await save.mutateAsync({ id: null, body: { ...body, id: values.id, currency: values.currency } satisfies PlanCreateBody })
          : await save.mutateAsync({ id: plan.id, body: { ...body, apply_to_existing: askExisting && values.existing === 'apply' } });
      const moving = plan !== null && askExisting && values.existing === 'apply' ? plan.subscribers : 0;
      notifications.show({ color: 'green', message: moving > 0 ? t('plans:savedMoving', { count: moving }) : t('plans:saved'), withBorder: true });
      if (saved) onClose();
    } catch (error) {
      setRefusal(refusalWords(error, t, setError));
    }
  });

  return (
    <form onSubmit={(event) => void submit(event)} noValidate className={classes.form} data-testid="plan-form">
      <Stack gap="lg">
        {refusal && (
          <Alert color="red" role="alert" data-testid="plan-refusal">
            {refusal}
          </Alert>
        )}
        <fieldset className={classes.section}>
          <legend className={classes.legend}>{t('plans:form.identity')}</legend>
          <div className={classes.grid}>
            <TextInput label={t('plans:form.name')} {...register('name')} error={words(formState.errors.name?.message)} data-testid="plan-name" />
            <TextInput
              label={t('plans:form.id')}
              description={t('plans:form.idHelp')}
              {...register('id')}
              readOnly={plan !== null}
              error={words(formState.errors.id?.message)}
              data-testid="plan-id"
            />
            <TextInput
              label={t('plans:form.currency')}
              description={t('plans:form.currencyHelp')}
              {...register('currency', { setValueAs: (value: string) => value.trim().toUpperCase() })}
              readOnly={plan !== null}
              maxLength={3}
              error={words(formState.errors.currency?.message)}
              data-testid="plan-currency"
            />
            <Controller
              control={control}
              name="sortOrder"
              render={({ field, fieldState }) => (
                <NumberInput
                  label={t('plans:form.sortOrder')}
                  description={t('plans:form.sortOrderHelp')}
                  value={field.value ?? ''}
                  onChange={(value) => field.onChange(value === '' ? null : Number(value))}
                  onBlur={field.onBlur}
                  allowDecimal={false}
                  min={0}
                  error={words(fieldState.error?.message)}
                  data-testid="plan-sort-order"
                />
              )}
            />
          </div>
        </fieldset>

        <fieldset className={classes.section}>
          <legend className={classes.legend}>{t('plans:form.prices')}</legend>
          <Controller
            control={control}
            name="contract"
            render={({ field }) => <Switch label={t('plans:form.contract')} checked={field.value} onChange={(event) => field.onChange(event.currentTarget.checked)} data-testid="plan-contract" />}
          />
          {!contract && (
            <div className={classes.grid}>
              {(['monthly', 'yearly'] as const).map((which) => (
                <Controller
                  key={which}
                  control={control}
                  name={which}
                  render={({ field, fieldState }) => (
                    <NumberInput
                      label={t(`plans:form.${which}`, { currency })}
                      description={which === 'yearly' ? t('plans:form.yearlyHelp') : undefined}
                      value={field.value ?? ''}
                      onChange={(value) => field.onChange(value === '' ? null : Number(value))}
                      onBlur={field.onBlur}
                      error={words(fieldState.error?.message)}
                      {...moneyProps}
                      data-testid={`plan-${which}`}
                    />
                  )}
                />
              ))}
            </div>
          )}
          {askExisting && plan && (
            <Controller
              control={control}
              name="existing"
              render={({ field }) => (
                <Radio.Group
                  label={t('plans:form.existing', { count: plan.subscribers })}
                  value={field.value}
                  onChange={(value) => field.onChange(value)}
                  className={classes.existing}
                  data-testid="plan-existing"
                >
                  <Stack gap="sm" mt="xs">
                    <Radio
                      value="keep"
                      label={t('plans:form.keep')}
                      description={t('plans:form.keepHelp', { price: plan.price ? formatMoney(i18n.language, plan.price.amount, plan.currency) : t('plans:contract') })}
                      data-testid="plan-existing-keep"
                    />
                    <Radio value="apply" label={t('plans:form.apply')} description={t('plans:form.applyHelp')} data-testid="plan-existing-apply" />
                  </Stack>
                </Radio.Group>
              )}
            />
          )}
        </fieldset>

        <fieldset className={classes.section}>
          <legend className={classes.legend}>{t('plans:form.limits')}</legend>
          <Text size="sm" c="dimmed">
            {t('plans:form.limitsNote')}
          </Text>
          <div className={classes.grid}>
            {(['bookings', 'users'] as const).map((which) => (
              <Controller
                key={which}
                control={control}
                name={which}
                render={({ field, fieldState }) => (
                  <NumberInput
                    label={t(`plans:form.${which}`)}
                    description={t('plans:form.unlimitedHelp')}
                    placeholder={t('plans:unlimited')}
                    value={field.value ?? ''}
                    onChange={(value) => field.onChange(value === '' ? null : Number(value))}
                    onBlur={field.onBlur}
                    allowDecimal={false}
                    allowNegative={false}
                    min={1}
                    thousandSeparator={marks.thousandSeparator}
                    decimalSeparator={marks.decimalSeparator}
                    error={words(fieldState.error?.message)}
                    data-testid={`plan-${which}`}
                  />
                )}
              />
            ))}
            <Controller
              control={control}
              name="feePercent"
              render={({ field, fieldState }) => (
                <NumberInput
                  label={t('plans:form.feePercent')}
                  value={field.value ?? ''}
                  onChange={(value) => field.onChange(value === '' ? null : Number(value))}
                  onBlur={field.onBlur}
                  decimalScale={2}
                  min={0}
                  max={100}
                  allowNegative={false}
                  decimalSeparator={marks.decimalSeparator}
                  thousandSeparator={marks.thousandSeparator}
                  rightSection={<span className={classes.unit}>%</span>}
                  error={words(fieldState.error?.message)}
                  data-testid="plan-fee-percent"
                />
              )}
            />
            <Controller
              control={control}
              name="feeFixed"
              render={({ field, fieldState }) => (
                <NumberInput
                  label={t('plans:form.feeFixed', { currency })}
                  value={field.value ?? ''}
                  onChange={(value) => field.onChange(value === '' ? null : Number(value))}
                  onBlur={field.onBlur}
                  error={words(fieldState.error?.message)}
                  {...moneyProps}
                  data-testid="plan-fee-fixed"
                />
              )}
            />
            <Controller
              control={control}
              name="support"
              render={({ field }) => (
                <Select
                  label={t('plans:form.supportLevel')}
                  data={SUPPORT.map((level) => ({ value: level, label: t(`plans:support.${level}`) }))}
                  value={field.value}
                  onChange={(value) => value && field.onChange(value)}
                  allowDeselect={false}
                  comboboxProps={{ withinPortal: true }}
                  data-testid="plan-support"
                />
              )}
            />
          </div>
          <Controller
            control={control}
            name="isPublic"
            render={({ field }) => (
              <Switch
                label={t('plans:form.isPublic')}
                description={t('plans:form.isPublicHelp')}
                checked={field.value}
                onChange={(event) => field.onChange(event.currentTarget.checked)}
                data-testid="plan-public"
              />
            )}
          />
        </fieldset>

        <Group justify="flex-end" gap="sm" className={classes.actions}>
          <Button variant="default" onClick={onClose}>
            {t('plans:form.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending} data-testid="plan-save">
            {plan === null ? t('plans:form.create') : t('plans:form.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function PlanRow({ plan, onEdit }: { plan: PlatformPlan; onEdit: () => void }) {
  const { t, i18n } = useTranslation(['plans', 'admin']);
  const locale = i18n.language;
  const limitText = (value: number | null) => (value === null ? t('plans:unlimited') : formatCount(locale, value));
  return (
    <tr data-testid={`plan-row-${plan.id}`}>
      <th scope="row" className={classes.planCell}>
        <span className={classes.planName}>{plan.name}</span>
        <span className={classes.planId}>{plan.id}</span>
        {!plan.is_public && (
          <span className={classes.planBadge}>
            <ToneBadge tone="neutral" testId={`plan-visibility-${plan.id}`}>
              {t('plans:hidden')}
            </ToneBadge>
          </span>
        )}
      </th>
      <td className={platformClasses.number}>
        <span data-testid={`plan-monthly-${plan.id}`}>{plan.price ? t('plans:perMonth', { price: formatMoney(locale, plan.price.amount, plan.currency) }) : t('plans:contract')}</span>
        {plan.annual_price && <span className={classes.subline}>{t('plans:perYear', { price: formatMoney(locale, plan.annual_price.amount, plan.currency) })}</span>}
      </td>
      <td className={platformClasses.number}>{limitText(plan.limits.bookings_per_month)}</td>
      <td className={platformClasses.number}>{limitText(plan.limits.users)}</td>
      <td className={platformClasses.number}>
        {t('plans:fee', { percent: formatBps(locale, plan.transaction_fee.bps, 2), fixed: formatMoney(locale, plan.transaction_fee.fixed.amount, plan.currency) })}
      </td>
      <td>{t(`plans:support.${plan.support}`, { defaultValue: plan.support })}</td>
      <td className={platformClasses.number}>
        <span data-testid={`plan-subscribers-${plan.id}`}>{formatCount(locale, plan.subscribers)}</span>
        {plan.grandfathered > 0 && <span className={classes.subline}>{t('plans:grandfathered', { count: plan.grandfathered })}</span>}
      </td>
      <td>
        <Button size="xs" variant="default" onClick={onEdit} aria-label={t('plans:editPlan', { name: plan.name })} data-testid={`plan-edit-${plan.id}`}>
          {t('plans:edit')}
        </Button>
      </td>
    </tr>
  );
}

/** /platform/plans: every plan with its prices, limits, fee, subscribers and visibility; create and edit. */
export function PlatformPlansPage(_props: { me: Me }) {
  const { t } = useTranslation(['plans', 'admin']);
  const plans = usePlatformPlans();
  const phone = useMediaQuery('(max-width: 48em)');
  const [editing, setEditing] = useState<PlatformPlan | 'new' | null>(null);
  const list = plans.data ?? [];
  const nextOrder = list.reduce((highest, plan) => Math.max(highest, plan.sort_order), 0) + 1;
  const editedPlan = editing === 'new' ? null : editing;
  return (
    <Stack gap="lg" data-testid="platform-plans">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={4} className={classes.head}>
          <Title order={1}>{t('plans:title')}</Title>
          <Text c="dimmed">{t('plans:intro')}</Text>
        </Stack>
        <Button onClick={() => setEditing('new')} data-testid="plan-new">
          {t('plans:new')}
        </Button>
      </Group>
      {plans.isPending ? (
        <Loader aria-label={t('admin:loading')} />
      ) : plans.isError ? (
        <Alert color="red" title={t('plans:loadFailed')}>
          <Text size="sm">{errorText(plans.error, t as TFunction<'admin'>)}</Text>
          <Button mt="sm" size="xs" variant="default" onClick={() => void plans.refetch()}>
            {t('plans:retry')}
          </Button>
        </Alert>
      ) : list.length === 0 ? (
        <Text c="dimmed">{t('plans:empty')}</Text>
      ) : (
        <div className={platformClasses.tableWrap} tabIndex={0} role="region" aria-label={t('plans:table.caption')}>
          <table className={`${platformClasses.table} ${classes.table}`}>
            <caption className={classes.caption}>{t('plans:table.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('plans:table.plan')}</th>
                <th scope="col" className={platformClasses.number}>
                  {t('plans:table.price')}
                </th>
                <th scope="col" className={platformClasses.number}>
                  {t('plans:table.bookings')}
                </th>
                <th scope="col" className={platformClasses.number}>
                  {t('plans:table.users')}
                </th>
                <th scope="col" className={platformClasses.number}>
                  {t('plans:table.fee')}
                </th>
                <th scope="col">{t('plans:table.support')}</th>
                <th scope="col" className={platformClasses.number}>
                  {t('plans:table.subscribers')}
                </th>
                <th scope="col">
                  <span className={classes.visuallyHidden}>{t('plans:table.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((plan) => (
                <PlanRow key={plan.id} plan={plan} onEdit={() => setEditing(plan)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editedPlan ? t('plans:editPlan', { name: editedPlan.name }) : t('plans:new')}
        size="xl"
        fullScreen={phone}
        classNames={{ body: classes.modalBody }}
        lockScroll={false}
        closeButtonProps={{ 'aria-label': t('plans:form.cancel') }}
      >
        {editing !== null && <PlanEditor key={editedPlan?.id ?? 'new'} plan={editedPlan} nextOrder={nextOrder} onClose={() => setEditing(null)} />}
      </Modal>
      <CouponsPanel />
    </Stack>
  );
}
