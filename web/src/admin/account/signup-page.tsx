import { Alert, Anchor, Button, Group, PasswordInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router';
import { useSignedIn } from '../session/use-session.ts';
import { errorText } from '../ui/error-text.ts';
import { PublicCard } from '../ui/public-card.tsx';
import { useSignup, type SignupForm } from './use-account.ts';

/** A booking-page address from the business's name: lower case, ASCII, dashes. */
export function slugFrom(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
}

const CURRENCIES = ['EUR', 'USD', 'GBP', 'MXN', 'COP', 'ARS', 'CLP', 'PEN', 'BRL', 'CAD', 'AUD', 'CHF'];

/** A new business: its name and booking-page address, its zone and currency, and its owner's account. */
export function SignupPage() {
  const { t } = useTranslation('admin');
  const navigate = useNavigate();
  const signedIn = useSignedIn();
  const [form, setForm] = useState<SignupForm>(() => ({
    tenant_name: '',
    tenant_slug: '',
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    currency: 'EUR',
    email: '',
    password: '',
    first_name: '',
    last_name: '',
  }));
  const [slugEdited, setSlugEdited] = useState(false);
  const signup = useSignup();
  // The browser's own zone first when the list leaves it out (UTC is not among the canonical names).
  const listed = Intl.supportedValuesOf('timeZone');
  const zones = listed.includes(form.timezone) ? listed : [form.timezone, ...listed];
  if (signedIn) return <Navigate to="/admin/bookings" replace />;
  const set = (field: keyof SignupForm) => (value: string) => setForm((current) => ({ ...current, [field]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signup.mutate(form, { onSuccess: (answer) => 'access_token' in answer && void navigate('/admin/bookings', { replace: true }) });
  };
  const checkEmail = signup.isSuccess && !('access_token' in signup.data);
  return (
    <PublicCard title={t('signup.title')}>
      {checkEmail ? (
        <Alert color="blue" data-testid="signup-check-email">
          {t('signup.checkEmail', { email: form.email })}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <TextInput
              label={t('signup.business')}
              required
              value={form.tenant_name}
              onChange={(event) => {
                const name = event.currentTarget.value;
                setForm((current) => ({ ...current, tenant_name: name, tenant_slug: slugEdited ? current.tenant_slug : slugFrom(name) }));
              }}
              data-testid="business-name-input"
            />
            <TextInput
              label={t('signup.slug')}
              description={t('signup.slugHelp', { slug: form.tenant_slug || '…' })}
              required
              value={form.tenant_slug}
              onChange={(event) => {
                setSlugEdited(true);
                set('tenant_slug')(event.currentTarget.value.toLowerCase());
              }}
              data-testid="slug"
            />
            <Group grow align="flex-start">
              <Select label={t('signup.timezone')} data={zones} searchable value={form.timezone} onChange={(value) => value && set('timezone')(value)} data-testid="timezone" />
              <Select label={t('signup.currency')} data={CURRENCIES} value={form.currency} onChange={(value) => value && set('currency')(value)} data-testid="currency" />
            </Group>
            <Group grow align="flex-start">
              <TextInput label={t('account.firstName')} autoComplete="given-name" required value={form.first_name} onChange={(event) => set('first_name')(event.currentTarget.value)} data-testid="first-name" />
              <TextInput label={t('account.lastName')} autoComplete="family-name" required value={form.last_name} onChange={(event) => set('last_name')(event.currentTarget.value)} data-testid="last-name" />
            </Group>
            <TextInput label={t('login.email')} type="email" autoComplete="username" required value={form.email} onChange={(event) => set('email')(event.currentTarget.value.trim())} data-testid="email" />
            <PasswordInput
              label={t('login.password')}
              description={t('account.passwordRule')}
              autoComplete="new-password"
              required
              value={form.password}
              onChange={(event) => set('password')(event.currentTarget.value)}
              data-testid="password"
            />
            {signup.isError && (
              <Alert color="red" role="alert" data-testid="signup-error">
                {errorText(signup.error, t)}
              </Alert>
            )}
            <Text size="sm" c="dimmed">
              {t('signup.trial')}
            </Text>
            <Button type="submit" size="md" loading={signup.isPending} data-testid="signup-button">
              {t('signup.submit')}
            </Button>
          </Stack>
        </form>
      )}
      <Anchor component={Link} to="/admin/login" data-testid="to-sign-in">
        {t('signup.haveAccount')}
      </Anchor>
    </PublicCard>
  );
}
