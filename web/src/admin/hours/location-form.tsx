import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldIssues, hoursErrorText } from './format.ts';
import classes from './hours.module.css';
import { useSaveLocation, type Location, type LocationBody } from './use-hours.ts';

/** Every IANA zone the browser knows, "Europe/Madrid" shown as "Europe/Madrid (Madrid)". */
function zoneOptions(current: string | null): Array<{ value: string; label: string }> {
  const listed = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const zones = current && !listed.includes(current) ? [current, ...listed] : listed;
  return zones.map((zone) => ({ value: zone, label: zone.replaceAll('_', ' ') }));
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

interface Props {
  location: Location | null;
  onClose: () => void;
  onSaved: (location: Location, created: boolean) => void;
}

/** Create or edit a location: name, address, time zone (searchable IANA list), contact. */
export function LocationForm({ location, onClose, onSaved }: Props) {
  const { t } = useTranslation(['hours', 'admin']);
  const save = useSaveLocation();
  const zones = useMemo(() => zoneOptions(location?.timezone ?? null), [location?.timezone]);
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [values, setValues] = useState({
    name: location?.name ?? '',
    line1: text(location?.address.line1),
    city: text(location?.address.city),
    postal_code: text(location?.address.postal_code),
    country: text(location?.address.country),
    timezone: location?.timezone ?? (zones.some((zone) => zone.value === browserZone) ? browserZone : null),
    phone: location?.phone ?? '',
    email: location?.email ?? '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const set = (field: keyof typeof values) => (value: string | null) => setValues((current) => ({ ...current, [field]: value ?? '' }));

  const check = (): Record<string, string> => {
    const found: Record<string, string> = {};
    if (!values.name.trim()) found.name = t('errors.name');
    if (!values.timezone || !zones.some((zone) => zone.value === values.timezone)) found.timezone = t('errors.timezone');
    if (values.email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email.trim())) found.email = t('errors.email');
    if (values.phone.trim() && values.phone.trim().length < 3) found.phone = t('errors.phone');
    if (values.country.trim() && !/^[A-Z]{2}$/.test(values.country.trim())) found.country = t('errors.country');
    return found;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const found = check();
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const address: Record<string, string> = { ...(location?.address as Record<string, string> | undefined) };
    for (const field of ['line1', 'city', 'postal_code', 'country'] as const) {
      const value = values[field].trim();
      if (value) address[field] = value;
      else delete address[field];
    }
    const body: LocationBody = {
      name: values.name.trim(),
      address,
      timezone: values.timezone ?? '',
      ...(values.phone.trim() ? { phone: values.phone.trim() } : {}),
      ...(values.email.trim() ? { email: values.email.trim() } : {}),
    };
    const patch = location === null ? body : { ...body, phone: values.phone.trim() || null, email: values.email.trim() || null };
    try {
      const saved = await save.mutateAsync({ id: location?.id ?? null, body: patch as LocationBody });
      onSaved(saved, location === null);
    } catch (error) {
      const named = fieldIssues(error);
      const mapped: Record<string, string> = {};
      for (const [field, message] of named) {
        const key = field === 'address' ? 'line1' : field;
        mapped[key] = t(`errors.${key}`, { defaultValue: message });
      }
      setErrors(mapped);
      setFailure(hoursErrorText(error, t));
    }
  };

  return (
    <Modal
      opened
      onClose={onClose}
      title={location ? t('location.formTitleEdit', { name: location.name }) : t('location.formTitleNew')}
      centered
      lockScroll={false}
      size="lg"
      closeButtonProps={{ 'aria-label': t('location.cancel') }}
    >
      <form onSubmit={submit} noValidate data-testid="location-form">
        <Stack gap="sm">
          <TextInput label={t('location.name')} required value={values.name} onChange={(event) => set('name')(event.currentTarget.value)} error={errors.name} data-testid="location-name" maxLength={255} />
          <TextInput label={t('location.line1')} value={values.line1} onChange={(event) => set('line1')(event.currentTarget.value)} error={errors.line1} data-testid="location-line1" />
          <div className={classes.fieldRow}>
            <TextInput className={classes.grow} label={t('location.city')} value={values.city} onChange={(event) => set('city')(event.currentTarget.value)} data-testid="location-city" />
            <TextInput className={classes.small} label={t('location.postalCode')} value={values.postal_code} onChange={(event) => set('postal_code')(event.currentTarget.value)} data-testid="location-postal" />
            <TextInput
              className={classes.small}
              label={t('location.country')}
              description={t('location.countryHint')}
              value={values.country}
              maxLength={2}
              onChange={(event) => set('country')(event.currentTarget.value.toUpperCase())}
              error={errors.country}
              data-testid="location-country"
            />
          </div>
          <Select
            label={t('location.timezone')}
            description={t('location.timezoneHint')}
            placeholder={t('location.timezonePlaceholder')}
            nothingFoundMessage={t('location.timezoneNothing')}
            required
            searchable
            limit={60}
            data={zones}
            value={values.timezone}
            onChange={(value) => setValues((current) => ({ ...current, timezone: value }))}
            error={errors.timezone}
            comboboxProps={{ withinPortal: true }}
            data-testid="location-timezone"
          />
          {location && values.timezone !== location.timezone && (
            <Text size="sm" c="orange.9" data-testid="location-zone-change">
              {t('location.zoneChange')}
            </Text>
          )}
          <div className={classes.fieldRow}>
            <TextInput className={classes.grow} type="tel" label={t('location.phone')} value={values.phone} onChange={(event) => set('phone')(event.currentTarget.value)} error={errors.phone} data-testid="location-phone" />
            <TextInput className={classes.grow} type="email" label={t('location.email')} value={values.email} onChange={(event) => set('email')(event.currentTarget.value)} error={errors.email} data-testid="location-email" />
          </div>
          {failure && (
            <Alert color="red" role="alert" data-testid="location-error">
              {failure}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose} data-testid="location-cancel">
              {t('location.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="location-save">
              {location ? t('location.save') : t('location.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
