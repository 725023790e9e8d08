import { Alert, Button, Checkbox, Drawer, Group, NumberInput, SegmentedControl, Select, Stack, Switch, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import classes from './catalog.module.css';
import { CURRENCIES, decimalSeparator, exponentOf, toAmount, toMinor } from './money.ts';
import { atMostAsGenerous, hoursValue, parseRules, ruleDraft, type RuleDraft } from './policy.ts';
import { TierSection } from './tier-section.tsx';
import {
  catalogErrorText,
  fieldIssues,
  useRemoveService,
  useSaveService,
  type Category,
  type Deposit,
  type Policy,
  type Resource,
  type Service,
  type ServiceBody,
  type ServicePatch,
} from './use-catalog.ts';

const TYPES = ['staff', 'room', 'equipment'] as const;
type DepositType = Deposit['type'];
type Num = string | number;

interface Values {
  name: string;
  description: string;
  categoryId: string | null;
  duration: Num;
  bufferBefore: Num;
  bufferAfter: Num;
  capacity: Num;
  slotInterval: Num;
  minNotice: Num;
  maxAdvance: Num;
  price: Num;
  currency: string;
  cost: Num;
  depositType: DepositType;
  depositValue: Num;
  policyOn: boolean;
  window: Num;
  rules: RuleDraft[];
  guestOn: boolean;
  guestWindow: Num;
  guestRules: RuleDraft[];
  keepDeposit: boolean;
  maxReschedules: Num;
  resourceIds: string[];
  active: boolean;
}

function initial(service: Service | null, currency: string, categoryId: string | null): Values {
  const policy = service?.cancellation_policy ?? null;
  const cur = service?.price.currency ?? currency;
  const deposit = service?.deposit ?? { type: 'none' as const };
  return {
    name: service?.name ?? '',
    description: service?.description ?? '',
    categoryId: service ? service.category_id : categoryId,
    duration: service?.duration_minutes ?? 60,
    bufferBefore: service?.buffer_before_minutes ?? 0,
    bufferAfter: service?.buffer_after_minutes ?? 0,
    capacity: service?.capacity ?? 1,
    slotInterval: service && service.slot_interval_minutes !== service.duration_minutes ? service.slot_interval_minutes : '',
    minNotice: service?.min_notice_minutes ?? 0,
    maxAdvance: service?.max_advance_days ?? 365,
    price: service ? toAmount(service.price.amount, cur) : '',
    currency: cur,
    cost: service?.cost_amount != null ? toAmount(service.cost_amount, cur) : '',
    depositType: deposit.type,
    depositValue: deposit.type === 'fixed' ? toAmount(deposit.value, cur) : deposit.type === 'percentage' ? deposit.value : '',
    policyOn: policy !== null,
    window: policy?.window_hours ?? 24,
    rules: (policy?.rules ?? []).map((rule) => ruleDraft(rule)),
    guestOn: policy?.guest !== undefined,
    guestWindow: policy?.guest?.window_hours ?? '',
    guestRules: (policy?.guest?.rules ?? []).map((rule) => ruleDraft(rule)),
    keepDeposit: policy?.no_show?.keep_deposit ?? true,
    maxReschedules: policy?.reschedule?.max_reschedules ?? '',
    resourceIds: service?.resource_ids ?? [],
    active: service ? service.status === 'active' : true,
  };
}

const int = (value: Num, min: number, max: number): number | null => {
  if (value === '') return null;
  const number = Number(value);
  return Number.isInteger(number) && number >= min && number <= max ? number : null;
};

/** Server field path → the form field that shows it. */
function formKey(path: string): string {
  const [head = '', second = '', third = ''] = path.split('.');
  const simple: Record<string, string> = {
    name: 'name',
    description: 'description',
    category_id: 'categoryId',
    duration_minutes: 'duration',
    buffer_before_minutes: 'bufferBefore',
    buffer_after_minutes: 'bufferAfter',
    capacity: 'capacity',
    slot_interval_minutes: 'slotInterval',
    min_notice_minutes: 'minNotice',
    max_advance_days: 'maxAdvance',
    price: 'price',
    cost_amount: 'cost',
    deposit: 'depositValue',
    resource_ids: 'resources',
  };
  if (head !== 'cancellation_policy') return simple[head] ?? 'form';
  if (second === 'window_hours') return 'window';
  if (second === 'rules') return 'rules';
  if (second === 'guest') return third === 'window_hours' ? 'guestWindow' : 'guestRules';
  if (second === 'reschedule') return 'maxReschedules';
  return 'rules';
}

/** The sentence this form has for a field, when the server refuses it. */
const OWN_SENTENCE: Record<string, string> = {
  name: 'errors.name',
  duration: 'errors.duration',
  bufferBefore: 'errors.minutes',
  bufferAfter: 'errors.minutes',
  capacity: 'errors.capacity',
  slotInterval: 'errors.slotInterval',
  minNotice: 'errors.minNotice',
  maxAdvance: 'errors.maxAdvance',
  window: 'errors.hours',
  guestWindow: 'errors.guestWindow',
  guestRules: 'errors.guestRules',
  maxReschedules: 'errors.maxReschedules',
};

interface Props {
  service: Service | null;
  categories: readonly Category[];
  resources: readonly Resource[];
  defaultCurrency: string;
  defaultCategoryId: string | null;
  canDelete: boolean;
  onClose: () => void;
  onDone: (message: string) => void;
}

/**
 * Create or edit a service in a drawer: name, category, timing, price and deposit, cancellation
 * and refund tiers (with guests' own terms), who delivers it, whether it can be booked; an
 * existing service also gets its price tiers. Checks everything the server checks before sending
 * and shows a refusal next to the field it names.
 */
export function ServiceForm({ service, categories, resources, defaultCurrency, defaultCategoryId, canDelete, onClose, onDone }: Props) {
  const { t, i18n } = useTranslation(['catalog', 'admin']);
  const narrow = useMediaQuery('(max-width: 599px)');
  const save = useSaveService();
  const remove = useRemoveService();
  const [values, setValues] = useState<Values>(() => initial(service, defaultCurrency, defaultCategoryId));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const set = <K extends keyof Values>(field: K, value: Values[K]) => {
    setValues((current) => ({ ...current, [field]: value }));
    setFailure(null);
    // A changed field loses its complaint (the rest stay until the next save).
    setErrors((current) => Object.fromEntries(Object.entries(current).filter(([key]) => key !== field && !key.startsWith(`${String(field)}.`))));
  };
  const digits = exponentOf(values.currency);
  const separator = decimalSeparator(i18n.language);
  const moneyProps = { decimalScale: digits, decimalSeparator: separator, allowNegative: false, hideControls: true, fixedDecimalScale: digits > 0, clampBehavior: 'none' } as const;
  const intProps = { allowDecimal: false, allowNegative: false, clampBehavior: 'none' } as const;

  const build = (): { body: ServiceBody | ServicePatch; found: Record<string, string> } => {
    const found: Record<string, string> = {};
    const need = (key: string, value: number | null, sentence: string) => {
      if (value === null) found[key] = sentence;
      return value ?? 0;
    };
    if (!values.name.trim()) found.name = t('errors.name');
    const duration = need('duration', int(values.duration, 1, 1440), t('errors.duration'));
    const bufferBefore = need('bufferBefore', int(values.bufferBefore === '' ? 0 : values.bufferBefore, 0, 1440), t('errors.minutes'));
    const bufferAfter = need('bufferAfter', int(values.bufferAfter === '' ? 0 : values.bufferAfter, 0, 1440), t('errors.minutes'));
    const capacity = need('capacity', int(values.capacity === '' ? 1 : values.capacity, 1, 10_000), t('errors.capacity'));
    const slotInterval = values.slotInterval === '' ? null : need('slotInterval', int(values.slotInterval, 1, 1440), t('errors.slotInterval'));
    const minNotice = need('minNotice', int(values.minNotice === '' ? 0 : values.minNotice, 0, 525_600), t('errors.minNotice'));
    const maxAdvance = need('maxAdvance', int(values.maxAdvance === '' ? 365 : values.maxAdvance, 0, 1095), t('errors.maxAdvance'));
    const price = need('price', toMinor(values.price, values.currency), t('errors.price', { digits }));
    const cost = values.cost === '' ? null : need('cost', toMinor(values.cost, values.currency), t('errors.cost'));
    let deposit: Deposit = { type: values.depositType } as Deposit;
    if (values.depositType === 'percentage') {
      const percent = Number(values.depositValue);
      const ok = values.depositValue !== '' && Number.isFinite(percent) && percent >= 0 && percent <= 100 && Math.abs(percent * 100 - Math.round(percent * 100)) < 1e-9;
      if (!ok) found.depositValue = t('errors.depositPercent');
      deposit = { type: 'percentage', value: ok ? percent : 0 };
    } else if (values.depositType === 'fixed') {
      const amount = toMinor(values.depositValue, values.currency);
      if (amount === null) found.depositValue = t('errors.depositAmount');
      deposit = { type: 'fixed', value: amount ?? 0 };
    }
    let policy: Policy | null = null;
    if (values.policyOn) {
      const original: Partial<Policy> = service?.cancellation_policy ?? {};
      const window = hoursValue(values.window);
      if (window === null) found.window = t('errors.hours');
      const base = parseRules(values.rules, 'rules');
      for (const [key, sentence] of Object.entries(base.problems)) found[key] = t(sentence);
      policy = { ...original, window_hours: window ?? 0, rules: base.rules, no_show: { ...original.no_show, keep_deposit: values.keepDeposit } } as Policy;
      const maxReschedules = values.maxReschedules === '' ? null : int(values.maxReschedules, 0, 1000);
      if (values.maxReschedules !== '' && maxReschedules === null) found.maxReschedules = t('errors.maxReschedules');
      const reschedule = { ...original.reschedule };
      delete reschedule.max_reschedules;
      if (maxReschedules !== null) reschedule.max_reschedules = maxReschedules;
      if (Object.keys(reschedule).length > 0) policy.reschedule = reschedule;
      else delete policy.reschedule;
      delete policy.guest;
      if (values.guestOn) {
        const guestWindow = values.guestWindow === '' ? null : hoursValue(values.guestWindow);
        if (values.guestWindow !== '' && guestWindow === null) found.guestWindow = t('errors.hours');
        else if (guestWindow !== null && window !== null && guestWindow < window) found.guestWindow = t('errors.guestWindow');
        const guest = parseRules(values.guestRules, 'guestRules');
        for (const [key, sentence] of Object.entries(guest.problems)) found[key] = t(sentence);
        if (values.guestRules.length > 0 && !found.guestRules && !atMostAsGenerous(guest.rules, base.rules)) found.guestRules = t('errors.guestRules');
        policy.guest = { ...(guestWindow !== null ? { window_hours: guestWindow } : {}), ...(values.guestRules.length > 0 ? { rules: guest.rules } : {}) };
      }
    }
    const common = {
      name: values.name.trim(),
      duration_minutes: duration,
      buffer_before_minutes: bufferBefore,
      buffer_after_minutes: bufferAfter,
      capacity,
      min_notice_minutes: minNotice,
      max_advance_days: maxAdvance,
      price: { amount: price, currency: values.currency },
      deposit,
      resource_ids: values.resourceIds,
    };
    if (service === null) {
      const body: ServiceBody = {
        ...common,
        ...(values.description.trim() ? { description: values.description.trim() } : {}),
        ...(values.categoryId ? { category_id: values.categoryId } : {}),
        ...(slotInterval !== null ? { slot_interval_minutes: slotInterval } : {}),
        ...(cost !== null ? { cost_amount: cost } : {}),
        ...(policy ? { cancellation_policy: policy } : {}),
      };
      return { body, found };
    }
    const patch: ServicePatch = {
      ...common,
      description: values.description.trim() || null,
      category_id: values.categoryId,
      slot_interval_minutes: slotInterval,
      cost_amount: cost,
      cancellation_policy: policy,
      status: values.active ? 'active' : 'inactive',
    };
    return { body: patch, found };
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const { body, found } = build();
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setFailure(t('errors.fields'));
      return;
    }
    try {
      let saved = await save.mutateAsync({ id: service?.id ?? null, body });
      if (service === null && !values.active) saved = await save.mutateAsync({ id: saved.id, body: { status: 'inactive' } });
      onDone(t(service === null ? 'services.created' : 'services.saved', { name: saved.name }));
    } catch (error) {
      const mapped: Record<string, string> = {};
      for (const [path, message] of fieldIssues(error)) {
        const key = formKey(path);
        if (mapped[key]) continue;
        const own = OWN_SENTENCE[key];
        mapped[key] = own ? t(own) : t('errors.field', { message });
      }
      setErrors(mapped);
      setFailure(mapped.form ?? catalogErrorText(error, t));
    }
  };

  const archive = async () => {
    if (!service) return;
    try {
      const answer = await remove.mutateAsync(service.id);
      onDone(t(answer ? 'services.archived' : 'services.deleted', { name: service.name }));
    } catch (error) {
      setConfirming(false);
      setFailure(catalogErrorText(error, t));
    }
  };

  const rulesEditor = (field: 'rules' | 'guestRules') => (
    <Stack gap={8} data-testid={`service-${field}`}>
      {values[field].length === 0 && (
        <Text size="sm" c="dimmed">
          {t('form.rulesEmpty')}
        </Text>
      )}
      {values[field].map((rule, index) => {
        const update = (change: Partial<RuleDraft>) => set(field, values[field].map((candidate) => (candidate.key === rule.key ? { ...candidate, ...change } : candidate)));
        return (
          <div className={classes.ruleRow} key={rule.key} data-testid="rule-row">
            <NumberInput
              className={classes.ruleField}
              label={t('form.ruleHours')}
              value={rule.hours}
              onChange={(value) => update({ hours: value })}
              min={0}
              decimalScale={2}
              decimalSeparator={separator}
              allowNegative={false}
              clampBehavior="none"
              error={errors[`${field}.${index}.hours`]}
              data-testid="rule-hours"
            />
            <NumberInput
              className={classes.ruleField}
              label={t('form.rulePercent')}
              value={rule.percent}
              onChange={(value) => update({ percent: value })}
              min={0}
              max={100}
              {...intProps}
              error={errors[`${field}.${index}.percent`]}
              data-testid="rule-percent"
            />
            <Button variant="subtle" color="red" aria-label={t('form.removeRule', { number: index + 1 })} onClick={() => set(field, values[field].filter((candidate) => candidate.key !== rule.key))}>
              ✕
            </Button>
          </div>
        );
      })}
      {errors[field] && (
        <Text size="sm" c="red.8" role="alert" data-testid={`error-${field}`}>
          {errors[field]}
        </Text>
      )}
      <Button variant="light" size="xs" w="fit-content" disabled={values[field].length >= 20} onClick={() => set(field, [...values[field], ruleDraft()])} data-testid={`add-${field}`}>
        {t('form.addRule')}
      </Button>
    </Stack>
  );

  const choosable = resources.filter((resource) => resource.status !== 'archived' || values.resourceIds.includes(resource.id));
  const currencies = [...new Set([...CURRENCIES, values.currency])];

  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size={narrow ? '100%' : 640}
      lockScroll={false}
      title={service ? t('form.titleEdit', { name: service.name }) : t('form.titleNew')}
      closeButtonProps={{ 'aria-label': t('form.close') }}
      classNames={{ title: classes.drawerTitle }}
    >
      <form onSubmit={submit} noValidate data-testid="service-form">
        <Stack gap="md">
          <section className={classes.section} aria-labelledby="service-basics">
            <Title order={3} size="h5" id="service-basics">
              {t('form.basics')}
            </Title>
            <TextInput label={t('form.name')} required maxLength={255} value={values.name} onChange={(event) => set('name', event.currentTarget.value)} error={errors.name} data-testid="service-name" />
            <Textarea label={t('form.description')} description={t('form.descriptionHint')} autosize minRows={2} maxLength={5000} value={values.description} onChange={(event) => set('description', event.currentTarget.value)} error={errors.description} data-testid="service-description" />
            <Select
              label={t('form.category')}
              data={[{ value: '', label: t('form.categoryNone') }, ...categories.map((category) => ({ value: category.id, label: category.name }))]}
              value={values.categoryId ?? ''}
              onChange={(value) => set('categoryId', value ? value : null)}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
              error={errors.categoryId}
              data-testid="service-category"
            />
          </section>

          <section className={classes.section} aria-labelledby="service-timing">
            <Title order={3} size="h5" id="service-timing">
              {t('form.timing')}
            </Title>
            <div className={classes.fieldRow}>
              <NumberInput className={classes.third} label={t('form.duration')} required min={1} max={1440} step={5} {...intProps} value={values.duration} onChange={(value) => set('duration', value)} error={errors.duration} data-testid="service-duration" />
              <NumberInput className={classes.third} label={t('form.bufferBefore')} min={0} max={1440} step={5} {...intProps} value={values.bufferBefore} onChange={(value) => set('bufferBefore', value)} error={errors.bufferBefore} data-testid="service-buffer-before" />
              <NumberInput className={classes.third} label={t('form.bufferAfter')} min={0} max={1440} step={5} {...intProps} value={values.bufferAfter} onChange={(value) => set('bufferAfter', value)} error={errors.bufferAfter} data-testid="service-buffer-after" />
            </div>
            <Text size="xs" c="dimmed" mt={-6}>
              {t('form.bufferHint')}
            </Text>
            <div className={classes.fieldRow}>
              <NumberInput className={classes.third} label={t('form.capacity')} description={t('form.capacityHint')} min={1} max={10_000} {...intProps} value={values.capacity} onChange={(value) => set('capacity', value)} error={errors.capacity} data-testid="service-capacity" />
              <NumberInput className={classes.third} label={t('form.slotInterval')} description={t('form.slotIntervalHint')} min={1} max={1440} step={5} {...intProps} value={values.slotInterval} onChange={(value) => set('slotInterval', value)} error={errors.slotInterval} data-testid="service-slot-interval" />
            </div>
            <div className={classes.fieldRow}>
              <NumberInput className={classes.third} label={t('form.minNotice')} min={0} max={525_600} step={30} {...intProps} value={values.minNotice} onChange={(value) => set('minNotice', value)} error={errors.minNotice} data-testid="service-min-notice" />
              <NumberInput className={classes.third} label={t('form.maxAdvance')} min={0} max={1095} {...intProps} value={values.maxAdvance} onChange={(value) => set('maxAdvance', value)} error={errors.maxAdvance} data-testid="service-max-advance" />
            </div>
          </section>

          <section className={classes.section} aria-labelledby="service-pricing">
            <Title order={3} size="h5" id="service-pricing">
              {t('form.pricing')}
            </Title>
            <div className={classes.fieldRow}>
              <NumberInput className={classes.grow} label={t('form.price')} required {...moneyProps} value={values.price} onChange={(value) => set('price', value)} error={errors.price} data-testid="service-price" />
              <Select
                className={classes.small}
                label={t('form.currency')}
                data={currencies}
                value={values.currency}
                onChange={(value) => value && set('currency', value)}
                allowDeselect={false}
                searchable
                comboboxProps={{ withinPortal: true }}
                data-testid="service-currency"
              />
            </div>
            <NumberInput label={t('form.cost')} description={t('form.costHint')} {...moneyProps} value={values.cost} onChange={(value) => set('cost', value)} error={errors.cost} data-testid="service-cost" />
            <Stack gap={4}>
              <Text size="sm" fw={500} id="deposit-label">
                {t('form.deposit')}
              </Text>
              <SegmentedControl
                aria-labelledby="deposit-label"
                fullWidth
                orientation={narrow ? 'vertical' : 'horizontal'}
                data={(['none', 'percentage', 'fixed', 'full'] as const).map((type) => ({ value: type, label: t(`form.depositTypes.${type}`) }))}
                value={values.depositType}
                onChange={(value) => { set('depositType', value as DepositType); set('depositValue', ''); }}
                data-testid="service-deposit-type"
              />
            </Stack>
            {values.depositType === 'percentage' && (
              <NumberInput label={t('form.depositPercent')} min={0} max={100} decimalScale={2} decimalSeparator={separator} allowNegative={false} clampBehavior="none" value={values.depositValue} onChange={(value) => set('depositValue', value)} error={errors.depositValue} data-testid="service-deposit-value" />
            )}
            {values.depositType === 'fixed' && (
              <NumberInput label={`${t('form.depositAmount')} (${values.currency})`} {...moneyProps} value={values.depositValue} onChange={(value) => set('depositValue', value)} error={errors.depositValue} data-testid="service-deposit-value" />
            )}
            {values.depositType === 'none' && errors.depositValue && (
              <Text size="sm" c="red.8">
                {errors.depositValue}
              </Text>
            )}
          </section>

          <section className={classes.section} aria-labelledby="service-cancellation">
            <Title order={3} size="h5" id="service-cancellation">
              {t('form.cancellation')}
            </Title>
            <Switch label={t('form.policyOn')} checked={values.policyOn} onChange={(event) => set('policyOn', event.currentTarget.checked)} data-testid="service-policy-on" />
            {!values.policyOn ? (
              <Text size="sm" c="dimmed">
                {t('form.policyOff')}
              </Text>
            ) : (
              <>
                <NumberInput label={t('form.window')} min={0} decimalScale={2} decimalSeparator={separator} allowNegative={false} clampBehavior="none" value={values.window} onChange={(value) => set('window', value)} error={errors.window} data-testid="service-window" />
                <div>
                  <Text size="sm" fw={500}>
                    {t('form.rules')}
                  </Text>
                  <Text size="xs" c="dimmed" mb={6}>
                    {t('form.rulesHint')}
                  </Text>
                  {rulesEditor('rules')}
                </div>
                <Checkbox label={t('form.keepDeposit')} checked={values.keepDeposit} onChange={(event) => set('keepDeposit', event.currentTarget.checked)} data-testid="service-keep-deposit" />
                <NumberInput label={t('form.maxReschedules')} min={0} max={1000} {...intProps} value={values.maxReschedules} onChange={(value) => set('maxReschedules', value)} error={errors.maxReschedules} data-testid="service-max-reschedules" />
                <Switch label={t('form.guestOn')} description={t('form.guestHint')} checked={values.guestOn} onChange={(event) => set('guestOn', event.currentTarget.checked)} data-testid="service-guest-on" />
                {values.guestOn && (
                  <div className={classes.subForm}>
                    <NumberInput label={t('form.guestWindow')} min={0} decimalScale={2} decimalSeparator={separator} allowNegative={false} clampBehavior="none" value={values.guestWindow} onChange={(value) => set('guestWindow', value)} error={errors.guestWindow} data-testid="service-guest-window" />
                    <Text size="sm" fw={500}>
                      {t('form.guestRules')}
                    </Text>
                    {rulesEditor('guestRules')}
                  </div>
                )}
              </>
            )}
          </section>

          <section className={classes.section} aria-labelledby="service-resources">
            <Title order={3} size="h5" id="service-resources">
              {t('form.resources')}
            </Title>
            <Text size="xs" c="dimmed" mt={-6}>
              {t('form.resourcesHint')}
            </Text>
            {choosable.length === 0 ? (
              <Text size="sm">{t('form.resourcesEmpty')}</Text>
            ) : (
              TYPES.map((type) => {
                const ofType = choosable.filter((resource) => resource.type === type);
                if (ofType.length === 0) return null;
                return (
                  <fieldset key={type} className={classes.fieldset}>
                    <Text component="legend" size="sm" fw={600}>
                      {t(`resources.types.${type}`)}
                    </Text>
                    <div className={classes.checks}>
                      {ofType.map((resource) => (
                        <Checkbox
                          key={resource.id}
                          label={resource.status === 'active' ? resource.name : `${resource.name} (${t(`status.${resource.status}`)})`}
                          checked={values.resourceIds.includes(resource.id)}
                          onChange={(event) => {
                            const checked = event.currentTarget.checked;
                            setValues((current) => ({
                              ...current,
                              resourceIds: checked ? [...current.resourceIds, resource.id] : current.resourceIds.filter((id) => id !== resource.id),
                            }));
                          }}
                          data-testid="service-resource"
                          data-resource-id={resource.id}
                        />
                      ))}
                    </div>
                  </fieldset>
                );
              })
            )}
            {errors.resources && (
              <Text size="sm" c="red.8">
                {errors.resources}
              </Text>
            )}
          </section>

          <section className={classes.section} aria-labelledby="service-state">
            <Title order={3} size="h5" id="service-state">
              {t('form.state')}
            </Title>
            <Switch label={t('form.active')} description={t('form.activeHint')} checked={values.active} onChange={(event) => set('active', event.currentTarget.checked)} data-testid="service-active" />
          </section>

          {failure && (
            <Alert color="red" role="alert" data-testid="service-error">
              {failure}
            </Alert>
          )}
          {confirming && service && (
            <Alert color="red" variant="light" data-testid="service-confirm-archive">
              <Text size="sm">{t('form.confirmArchive', { name: service.name })}</Text>
              <Group gap="xs" mt="sm">
                <Button color="red" size="xs" loading={remove.isPending} onClick={() => void archive()} data-testid="service-archive-confirm">
                  {t('form.confirm')}
                </Button>
                <Button variant="default" size="xs" onClick={() => setConfirming(false)}>
                  {t('form.keep')}
                </Button>
              </Group>
            </Alert>
          )}
          <div className={classes.footer}>
            {service && canDelete && service.status !== 'archived' ? (
              <Button variant="subtle" color="red" onClick={() => setConfirming(true)} data-testid="service-archive">
                {t('form.archive')}
              </Button>
            ) : (
              <span />
            )}
            <Group gap="sm">
              <Button variant="default" onClick={onClose}>
                {t('form.cancel')}
              </Button>
              <Button type="submit" loading={save.isPending} data-testid="service-save">
                {service ? t('form.save') : t('form.create')}
              </Button>
            </Group>
          </div>
        </Stack>
      </form>
      {service ? (
        <TierSection service={service} />
      ) : (
        <Text size="sm" c="dimmed" mt="lg">
          {t('tiers.newAfterSave')}
        </Text>
      )}
    </Drawer>
  );
}
