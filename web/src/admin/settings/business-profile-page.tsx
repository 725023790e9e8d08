import { Alert, Button, Group, Paper, Select, Skeleton, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import i18next from 'i18next';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { can, type Me } from '../session/use-session.ts';
import { PageHeading } from '../ui/page-heading.tsx';
import { BusinessLook } from './business-look.tsx';
import { screenErrorText, useDefaultLanguage, useOwnBusiness, useSaveBusiness, useSaveDefaultLanguage, type Business } from './business-api.ts';
import classes from './business-settings.module.css';
import enWords from './i18n/business-en.json';
import esWords from './i18n/business-es.json';

// The screen's words load with its chunk.
i18next.addResourceBundle('en', 'business', enWords, true, true);
i18next.addResourceBundle('es', 'business', esWords, true, true);

/**
 * /admin/settings/business: how customers know the business (name, description, contacts,
 * address, time zone, the language of its messages) and how its booking page looks (logo,
 * colour), with a live preview of the page's header. Owners and managers change it; the server
 * decides who may.
 */
export default function BusinessProfilePage({ me }: { me: Me }) {
  const { t } = useTranslation('business');
  const { t: tAdmin } = useTranslation('admin');
  const business = useOwnBusiness();
  const canEdit = can(me, 'update', 'Business') && !me.read_only;
  return (
    <Stack gap="lg" maw={960} data-testid="business-profile-page">
      <PageHeading title={t('title')} intro={t('intro')} />
      {business.isPending ? (
        <Skeleton h={480} radius="md" />
      ) : business.isError ? (
        <Alert color="red">{screenErrorText(business.error, 'business', tAdmin)}</Alert>
      ) : business.data === null ? (
        <Alert color="blue" data-testid="business-empty">
          {t('empty')}
        </Alert>
      ) : (
        <>
          <ProfileCard business={business.data} canEdit={canEdit} />
          <BusinessLook business={business.data} canEdit={canEdit} slug={me.tenant?.slug ?? null} />
        </>
      )}
    </Stack>
  );
}

interface ProfileForm {
  name: string;
  description: string;
  email: string;
  phone: string;
  line1: string;
  postal_code: string;
  city: string;
  timezone: string;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function formOf(business: Business): ProfileForm {
  const address = business.address ?? {};
  return {
    name: business.name,
    description: business.description ?? '',
    email: business.email ?? '',
    phone: business.phone ?? '',
    line1: text(address.line1),
    postal_code: text(address.postal_code),
    city: text(address.city),
    timezone: business.timezone,
  };
}

const orNull = (value: string): string | null => (value.trim() === '' ? null : value.trim());

function ProfileCard({ business, canEdit }: { business: Business; canEdit: boolean }) {
  const { t } = useTranslation('business');
  const { t: tAdmin } = useTranslation('admin');
  const [form, setForm] = useState(() => formOf(business));
  const save = useSaveBusiness(business.id);
  const language = useDefaultLanguage();
  const saveLanguage = useSaveDefaultLanguage();
  const [chosenLanguage, setChosenLanguage] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const languageValue = chosenLanguage ?? language.data ?? 'customer';
  // The business's own zone first when the list leaves it out (UTC is not among the canonical names).
  const listed = Intl.supportedValuesOf('timeZone');
  const zones = listed.includes(business.timezone) ? listed : [business.timezone, ...listed];
  const set = (field: keyof ProfileForm) => (value: string) => {
    setSaved(false);
    setForm((current) => ({ ...current, [field]: value }));
  };
  const nameMissing = form.name.trim() === '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (nameMissing) return;
    setSaved(false);
    const address = { ...(business.address ?? {}), line1: orNull(form.line1), postal_code: orNull(form.postal_code), city: orNull(form.city) };
    try {
      await save.mutateAsync({
        name: form.name.trim(),
        description: orNull(form.description),
        email: orNull(form.email),
        phone: orNull(form.phone),
        address,
        timezone: form.timezone,
      });
      if (chosenLanguage !== null && chosenLanguage !== (language.data ?? 'customer')) {
        await saveLanguage.mutateAsync(chosenLanguage === 'customer' ? null : (chosenLanguage as 'es' | 'en'));
      }
      setSaved(true);
    } catch {
      // Shown below.
    }
  };

  const failure = save.error ?? saveLanguage.error;
  return (
    <Paper withBorder radius="md" p="lg" component="form" onSubmit={submit} noValidate data-testid="business-profile">
      <Stack gap="md">
        <Title order={2} size="h4">
          {t('profile.title')}
        </Title>
        <div className={classes.fields}>
          <TextInput
            className={classes.wide}
            label={t('profile.name')}
            value={form.name}
            onChange={(event) => set('name')(event.currentTarget.value)}
            readOnly={!canEdit}
            required
            maxLength={255}
            error={nameMissing ? t('profile.nameMissing') : null}
            data-testid="business-name-input"
          />
          <Textarea
            className={classes.wide}
            label={t('profile.description')}
            description={t('profile.descriptionHelp')}
            value={form.description}
            onChange={(event) => set('description')(event.currentTarget.value)}
            readOnly={!canEdit}
            autosize
            minRows={2}
            maxLength={5000}
          />
          <TextInput label={t('profile.email')} type="email" value={form.email} onChange={(event) => set('email')(event.currentTarget.value)} readOnly={!canEdit} maxLength={255} />
          <TextInput label={t('profile.phone')} type="tel" value={form.phone} onChange={(event) => set('phone')(event.currentTarget.value)} readOnly={!canEdit} maxLength={50} />
          <TextInput className={classes.wide} label={t('profile.line1')} value={form.line1} onChange={(event) => set('line1')(event.currentTarget.value)} readOnly={!canEdit} />
          <TextInput label={t('profile.postalCode')} value={form.postal_code} onChange={(event) => set('postal_code')(event.currentTarget.value)} readOnly={!canEdit} />
          <TextInput label={t('profile.city')} value={form.city} onChange={(event) => set('city')(event.currentTarget.value)} readOnly={!canEdit} />
          <Select
            label={t('profile.timezone')}
            data={zones}
            searchable
            value={form.timezone}
            onChange={(value) => value && set('timezone')(value)}
            readOnly={!canEdit}
            data-testid="business-timezone"
          />
          <Select
            label={t('profile.language')}
            description={t('profile.languageHelp')}
            data={[
              { value: 'customer', label: t('profile.languageCustomer') },
              { value: 'es', label: t('profile.languageEs') },
              { value: 'en', label: t('profile.languageEn') },
            ]}
            value={languageValue}
            onChange={(value) => {
              setSaved(false);
              setChosenLanguage(value);
            }}
            readOnly={!canEdit}
            disabled={language.isError}
          />
        </div>
        {form.timezone !== business.timezone && (
          <Alert color="yellow" data-testid="timezone-warning" title={t('profile.timezoneChangeTitle', { from: business.timezone, to: form.timezone })}>
            {t('profile.timezoneChange')}
          </Alert>
        )}
        {failure && <Alert color="red">{screenErrorText(failure, 'business', tAdmin)}</Alert>}
        {canEdit && (
          <Group justify="space-between" className={classes.footer}>
            <Text size="sm" c="teal.8" role="status">
              {saved ? t('saved') : ''}
            </Text>
            <Button type="submit" loading={save.isPending || saveLanguage.isPending} data-testid="business-profile-save">
              {t('profile.save')}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
