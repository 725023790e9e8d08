import { Alert, Button, Checkbox, Group, NumberInput, Select, Skeleton, Switch, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ToneBadge } from '../ui/tone-badge.tsx';
import classes from './catalog.module.css';
import { decimalSeparator, exponentOf, money, toAmount, toMinor } from './money.ts';
import { catalogErrorText, fieldIssues, useSaveTier, useTiers, type Service, type Tier, type TierBody } from './use-catalog.ts';
import { DateField } from '../ui/date-field.tsx';

type DepositType = Tier['deposit_type'];
type Num = string | number;
const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;

interface Draft {
  name: string;
  price: Num;
  depositType: DepositType;
  depositValue: Num;
  isDefault: boolean;
  days: number[];
  start: string;
  end: string;
  validFrom: string;
  validUntil: string;
  priority: Num;
}

/** An instant's local date (YYYY-MM-DD) for a date field. */
function dateOf(instant: string | null): string {
  if (!instant) return '';
  const date = new Date(instant);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function draftOf(tier: Tier | null, service: Service): Draft {
  const currency = service.price.currency;
  return {
    name: tier?.name ?? '',
    price: toAmount(tier?.base_price ?? service.price.amount, currency),
    depositType: tier?.deposit_type ?? 'none',
    depositValue: !tier || tier.deposit_type === 'none' || tier.deposit_type === 'full' ? '' : tier.deposit_type === 'percentage' ? tier.deposit_value / 100 : toAmount(tier.deposit_value, currency),
    isDefault: tier?.is_default ?? false,
    days: tier?.conditions?.days ?? [],
    start: tier?.conditions?.start_time ?? '',
    end: tier?.conditions?.end_time ?? '',
    validFrom: dateOf(tier?.valid_from ?? null),
    validUntil: dateOf(tier?.valid_until ?? null),
    priority: tier?.priority ?? 0,
  };
}

/** The price tiers of a saved service (`/services/{id}/pricing`): list, add, edit, delete. */
export function TierSection({ service }: { service: Service }) {
  const { t, i18n } = useTranslation(['catalog', 'admin']);
  const tiers = useTiers(service.id);
  const save = useSaveTier(service.id);
  const [editing, setEditing] = useState<Tier | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const currency = service.price.currency;

  const summary = (tier: Tier): string => {
    const parts: string[] = [];
    const deposit =
      tier.deposit_type === 'percentage'
        ? t('services.depositPercent', { value: new Intl.NumberFormat(i18n.language).format(tier.deposit_value / 100) })
        : tier.deposit_type === 'fixed'
          ? t('services.depositFixed', { amount: money(tier.deposit_value, tier.currency, i18n.language) })
          : tier.deposit_type === 'full'
            ? t('services.depositFull')
            : t('services.depositNone');
    parts.push(deposit);
    const days = tier.conditions?.days;
    if (days?.length) parts.push(days.map((day) => t(`weekdays.${day}`)).join(', '));
    if (tier.conditions?.start_time || tier.conditions?.end_time) parts.push(t('tiers.between', { from: tier.conditions.start_time ?? '00:00', to: tier.conditions.end_time ?? '24:00' }));
    if (tier.valid_from || tier.valid_until) parts.push(t('tiers.dates', { from: dateOf(tier.valid_from) || t('tiers.always'), to: dateOf(tier.valid_until) || t('tiers.always') }));
    return parts.join(' · ');
  };

  const removeTier = async (tier: Tier) => {
    setFailure(null);
    try {
      await save.mutateAsync({ id: tier.id, body: null });
      setNotice(t('tiers.deleted'));
    } catch (error) {
      setFailure(catalogErrorText(error, t));
    }
  };

  return (
    <section className={`${classes.section} ${classes.tiersSection}`} aria-labelledby="tiers-title" data-testid="tiers">
      <Title order={3} size="h5" id="tiers-title">
        {t('tiers.title')}
      </Title>
      <Text size="xs" c="dimmed" mt={-6}>
        {t('tiers.hint', { currency })}
      </Text>
      {notice && (
        <Text size="sm" c="teal.9" role="status">
          {notice}
        </Text>
      )}
      {failure && (
        <Alert color="red" role="alert">
          {failure}
        </Alert>
      )}
      {tiers.isPending ? (
        <Skeleton h={56} />
      ) : tiers.isError ? (
        <Alert color="red">
          <Text size="sm">{t('errors.loadFailed')}</Text>
          <Button mt="xs" size="xs" variant="light" color="red" onClick={() => void tiers.refetch()}>
            {t('errors.retry')}
          </Button>
        </Alert>
      ) : tiers.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('tiers.empty')}
        </Text>
      ) : (
        <ul className={classes.tiers}>
          {tiers.data.map((tier) =>
            editing !== 'new' && editing?.id === tier.id ? (
              <li key={tier.id}>
                <TierForm service={service} tier={tier} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); setNotice(t('tiers.saved')); }} />
              </li>
            ) : (
              <li key={tier.id} className={classes.tier} data-testid="tier-row">
                <div className={classes.rowMain}>
                  <Group gap={8}>
                    <Text fw={600} size="sm" className={classes.rowName}>
                      {tier.name}
                    </Text>
                    <Text size="sm">{money(tier.base_price, tier.currency, i18n.language)}</Text>
                    {tier.is_default && <ToneBadge tone="info">{t('tiers.isDefault')}</ToneBadge>}
                  </Group>
                  <Text size="xs" c="dimmed">
                    {summary(tier)}
                  </Text>
                </div>
                <Group gap={4} wrap="nowrap">
                  <Button size="xs" variant="subtle" aria-label={t('tiers.edit', { name: tier.name })} onClick={() => { setNotice(null); setEditing(tier); }}>
                    {t('services.edit')}
                  </Button>
                  <Button size="xs" variant="subtle" color="red" aria-label={t('tiers.delete', { name: tier.name })} loading={save.isPending && save.variables?.id === tier.id && save.variables.body === null} onClick={() => void removeTier(tier)} data-testid="tier-delete">
                    ✕
                  </Button>
                </Group>
              </li>
            ),
          )}
        </ul>
      )}
      {editing === 'new' ? (
        <TierForm service={service} tier={null} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); setNotice(t('tiers.saved')); }} />
      ) : (
        <Button variant="light" size="xs" w="fit-content" onClick={() => { setNotice(null); setEditing('new'); }} data-testid="tier-add">
          {t('tiers.add')}
        </Button>
      )}
    </section>
  );
}

function TierForm({ service, tier, onClose, onSaved }: { service: Service; tier: Tier | null; onClose: () => void; onSaved: () => void }) {
  const { t, i18n } = useTranslation(['catalog', 'admin']);
  const save = useSaveTier(service.id);
  const [draft, setDraft] = useState<Draft>(() => draftOf(tier, service));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const currency = service.price.currency;
  const separator = decimalSeparator(i18n.language);
  const set = <K extends keyof Draft>(field: K, value: Draft[K]) => {
    setDraft((current) => ({ ...current, [field]: value }));
    setErrors((current) => Object.fromEntries(Object.entries(current).filter(([name]) => name !== field)));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    event.stopPropagation();
    setFailure(null);
    const found: Record<string, string> = {};
    if (!draft.name.trim()) found.name = t('errors.name');
    const price = toMinor(draft.price, currency);
    if (price === null) found.price = t('errors.price', { digits: exponentOf(currency) });
    let depositValue = 0;
    if (draft.depositType === 'percentage') {
      const percent = Number(draft.depositValue);
      if (draft.depositValue === '' || !(percent >= 0 && percent <= 100)) found.depositValue = t('errors.depositPercent');
      else depositValue = Math.round(percent * 100);
    } else if (draft.depositType === 'fixed') {
      const amount = toMinor(draft.depositValue, currency);
      if (amount === null) found.depositValue = t('errors.depositAmount');
      else depositValue = amount;
    }
    const hasConditions = draft.days.length > 0 || draft.start !== '' || draft.end !== '';
    if (draft.isDefault && hasConditions) found.isDefault = t('errors.tierDefault');
    if (draft.start !== '' && draft.start === draft.end) found.end = t('errors.tierTimes');
    const validFrom = draft.validFrom ? new Date(`${draft.validFrom}T00:00:00`).toISOString() : null;
    const validUntil = draft.validUntil ? new Date(`${draft.validUntil}T00:00:00`).toISOString() : null;
    if (validFrom && validUntil && validFrom >= validUntil) found.validUntil = t('errors.tierDates');
    const priority = Number(draft.priority === '' ? 0 : draft.priority);
    if (!Number.isInteger(priority) || priority < -1000 || priority > 1000) found.priority = t('errors.priority');
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const conditions = hasConditions
      ? {
          ...(draft.days.length > 0 ? { days: [...draft.days].sort() } : {}),
          ...(draft.start ? { start_time: draft.start } : {}),
          ...(draft.end ? { end_time: draft.end } : {}),
        }
      : null;
    const body: TierBody = {
      name: draft.name.trim(),
      base_price: price ?? 0,
      currency,
      deposit_type: draft.depositType,
      deposit_value: depositValue,
      is_default: draft.isDefault,
      conditions,
      valid_from: validFrom,
      valid_until: validUntil,
      priority,
    };
    try {
      await save.mutateAsync({ id: tier?.id ?? null, body });
      onSaved();
    } catch (error) {
      const mapped: Record<string, string> = {};
      for (const [path, message] of fieldIssues(error)) {
        const head = path.split('.')[0] ?? '';
        const key = { base_price: 'price', deposit_value: 'depositValue', is_default: 'isDefault', conditions: 'isDefault', valid_until: 'validUntil', valid_from: 'validFrom', currency: 'price' }[head] ?? head;
        mapped[key] ??= head === 'currency' ? t('errors.tierCurrency') : t('errors.field', { message });
      }
      setErrors(mapped);
      setFailure(catalogErrorText(error, t));
    }
  };

  return (
    <form className={classes.subForm} onSubmit={submit} noValidate data-testid="tier-form">
      <div className={classes.fieldRow}>
        <TextInput className={classes.grow} label={t('tiers.name')} required maxLength={255} value={draft.name} onChange={(event) => set('name', event.currentTarget.value)} error={errors.name} data-testid="tier-name" />
        <NumberInput className={classes.third} label={`${t('tiers.price')} (${currency})`} required decimalScale={exponentOf(currency)} fixedDecimalScale={exponentOf(currency) > 0} decimalSeparator={separator} allowNegative={false} hideControls value={draft.price} onChange={(value) => set('price', value)} error={errors.price} data-testid="tier-price" />
      </div>
      <div className={classes.fieldRow}>
        <Select
          className={classes.third}
          label={t('form.deposit')}
          data={(['none', 'percentage', 'fixed', 'full'] as const).map((type) => ({ value: type, label: t(`form.depositTypes.${type}`) }))}
          value={draft.depositType}
          onChange={(value) => value && setDraft((current) => ({ ...current, depositType: value as DepositType, depositValue: '' }))}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
          data-testid="tier-deposit-type"
        />
        {(draft.depositType === 'percentage' || draft.depositType === 'fixed') && (
          <NumberInput
            className={classes.third}
            label={draft.depositType === 'percentage' ? t('form.depositPercent') : `${t('form.depositAmount')} (${currency})`}
            decimalScale={draft.depositType === 'percentage' ? 2 : exponentOf(currency)}
            decimalSeparator={separator}
            allowNegative={false}
            hideControls
            value={draft.depositValue}
            onChange={(value) => set('depositValue', value)}
            error={errors.depositValue}
            data-testid="tier-deposit-value"
          />
        )}
        <NumberInput className={classes.small} label={t('tiers.priority')} min={-1000} max={1000} allowDecimal={false} clampBehavior="none" value={draft.priority} onChange={(value) => set('priority', value)} error={errors.priority} data-testid="tier-priority" />
      </div>
      <Switch label={t('tiers.default')} checked={draft.isDefault} onChange={(event) => set('isDefault', event.currentTarget.checked)} error={errors.isDefault} data-testid="tier-default" />
      {!draft.isDefault && (
        <>
          <fieldset className={classes.fieldset}>
            <Text component="legend" size="sm" fw={500}>
              {t('tiers.days')} <Text span size="xs" c="dimmed">({t('tiers.anyDay')})</Text>
            </Text>
            <Group gap="sm">
              {DAYS.map((day) => (
                <Checkbox
                  key={day}
                  label={t(`weekdays.${day}`)}
                  checked={draft.days.includes(day)}
                  onChange={(event) => {
                    const checked = event.currentTarget.checked;
                    setDraft((current) => ({ ...current, days: checked ? [...current.days, day] : current.days.filter((candidate) => candidate !== day) }));
                  }}
                />
              ))}
            </Group>
          </fieldset>
          <div className={classes.fieldRow}>
            <TextInput className={classes.third} type="time" label={t('tiers.from')} value={draft.start} onChange={(event) => set('start', event.currentTarget.value)} error={errors.start} data-testid="tier-start" />
            <TextInput className={classes.third} type="time" label={t('tiers.to')} value={draft.end} onChange={(event) => set('end', event.currentTarget.value)} error={errors.end} data-testid="tier-end" />
          </div>
        </>
      )}
      <div className={classes.fieldRow}>
        <DateField className={classes.third} label={t('tiers.validFrom')} value={draft.validFrom} onChange={(value) => set('validFrom', value)} error={errors.validFrom} clearable data-testid="tier-valid-from" />
        <DateField className={classes.third} label={t('tiers.validUntil')} value={draft.validUntil} onChange={(value) => set('validUntil', value)} error={errors.validUntil} clearable data-testid="tier-valid-until" />
      </div>
      {failure && (
        <Alert color="red" role="alert">
          {failure}
        </Alert>
      )}
      <Group gap="sm" justify="flex-end">
        <Button variant="default" size="xs" onClick={onClose}>
          {t('tiers.cancel')}
        </Button>
        <Button type="submit" size="xs" loading={save.isPending} data-testid="tier-save">
          {t('tiers.save')}
        </Button>
      </Group>
    </form>
  );
}

