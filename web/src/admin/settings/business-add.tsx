import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import type { paths } from '@reservehub/api-client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { adminApi, session } from '../session/session.ts';
import { errorText } from '../ui/error-text.ts';

type NewBusiness = NonNullable<paths['/api/v1/auth/businesses']['post']['requestBody']>['content']['application/json'];

/**
 * POST /auth/businesses: the new business, signed in to it. Everything cached belonged to the other
 * one: reset, so the screens on view (the shell's business, this page) ask again as the new business.
 */
function useAddBusiness() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: NewBusiness) => adminApi.post('/api/v1/auth/businesses', { body }),
    onSuccess: (created) => {
      session.store(created);
      void client.resetQueries();
    },
  });
}

const CURRENCIES = ['EUR', 'USD', 'GBP', 'MXN', 'COP', 'ARS', 'CLP', 'PEN', 'BRL', 'CAD', 'AUD', 'CHF'];

/**
 * "Add a business" from the business switcher: a new business under the same account, on its own
 * trial as at sign-up, with the person as its owner. The dashboard then opens in it; the switcher
 * goes back to the others.
 */
export function AddBusinessModal({ opened, onClose, timezone, currency }: { opened: boolean; onClose: () => void; timezone: string; currency: string }) {
  const { t } = useTranslation('admin');
  const navigate = useNavigate();
  const add = useAddBusiness();
  const [name, setName] = useState('');
  const [zone, setZone] = useState(timezone);
  const [money, setMoney] = useState(currency);
  const [checked, setChecked] = useState(false);
  const listed = Intl.supportedValuesOf('timeZone');
  const zones = listed.includes(zone) ? listed : [zone, ...listed];
  const missing = name.trim() === '';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (missing) return;
    add.mutate(
      { tenant_name: name.trim(), timezone: zone, currency: money },
      {
        onSuccess: () => {
          onClose();
          void navigate('/admin/settings/business');
        },
      },
    );
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t('shell.addBusinessTitle')} centered lockScroll={false} closeButtonProps={{ 'aria-label': t('shell.addBusinessCancel') }}>
      <form onSubmit={submit} noValidate data-testid="add-business-form">
        <Stack gap="md">
          <Text size="sm">{t('shell.addBusinessHelp')}</Text>
          <TextInput
            label={t('shell.addBusinessName')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            required
            maxLength={255}
            error={checked && missing ? t('shell.addBusinessNameMissing') : null}
            data-autofocus
            data-testid="add-business-name"
          />
          <Select label={t('shell.addBusinessTimezone')} data={zones} searchable value={zone} onChange={(value) => value && setZone(value)} />
          <Select label={t('shell.addBusinessCurrency')} data={CURRENCIES} value={money} onChange={(value) => value && setMoney(value)} />
          {add.error && <Alert color="red">{errorText(add.error, t)}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('shell.addBusinessCancel')}
            </Button>
            <Button type="submit" loading={add.isPending} data-testid="add-business-submit">
              {t('shell.addBusinessCreate')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
