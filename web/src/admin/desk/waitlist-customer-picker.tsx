import { Button, Group, SegmentedControl, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCustomerSearch, type Customer } from '../calendar/use-calendar.ts';
import type { CustomerInput } from './use-waitlist.ts';
import classes from './waitlist.module.css';

const E164 = /^\+[1-9]\d{1,14}$/;

export const fullName = (customer: { first_name: string; last_name?: string | null }): string => [customer.first_name, customer.last_name].filter(Boolean).join(' ');

export interface PickedCustomer {
  mode: 'find' | 'guest';
  chosen: Customer | null;
  guest: { first_name: string; last_name: string; email: string; phone: string };
}

export const NO_CUSTOMER: PickedCustomer = { mode: 'find', chosen: null, guest: { first_name: '', last_name: '', email: '', phone: '' } };

/** The API's customer for the pick, with its display name, or the waitlist's words for what is missing. */
export function customerInput(picked: PickedCustomer): { customer: CustomerInput; name: string } | { problem: string } {
  if (picked.mode === 'find') return picked.chosen ? { customer: { customer_id: picked.chosen.id }, name: fullName(picked.chosen) } : { problem: 'customerPicker.pickCustomer' };
  const { guest } = picked;
  const email = guest.email.trim();
  const phone = guest.phone.replace(/[\s-]/g, '');
  if (!guest.first_name.trim() || (!email && !phone)) return { problem: 'customerPicker.contactRequired' };
  if (phone && !E164.test(phone)) return { problem: 'customerPicker.phoneInvalid' };
  const customer = {
    first_name: guest.first_name.trim(),
    ...(guest.last_name.trim() ? { last_name: guest.last_name.trim() } : {}),
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
  };
  return { customer, name: fullName(customer) };
}

/** A customer found by name, email or phone, or a new guest typed in: the new-booking modal's choice, for the desk's forms. */
export function CustomerPicker({ value, onChange }: { value: PickedCustomer; onChange: (value: PickedCustomer) => void }) {
  const { t } = useTranslation('waitlist');
  const labelId = useId();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 300);
  const found = useCustomerSearch(debounced);
  const guest = value.guest;
  const setGuest = (changes: Partial<PickedCustomer['guest']>) => onChange({ ...value, guest: { ...guest, ...changes } });
  return (
    <Stack gap="sm">
      <div>
        <Text size="sm" fw={500} mb={4} id={labelId}>
          {t('customerPicker.label')}
        </Text>
        <SegmentedControl
          fullWidth
          value={value.mode}
          onChange={(mode) => onChange({ ...value, mode: mode === 'guest' ? 'guest' : 'find' })}
          data={[
            { value: 'find', label: t('customerPicker.find') },
            { value: 'guest', label: t('customerPicker.guest') },
          ]}
          aria-labelledby={labelId}
          data-testid="picker-mode"
        />
      </div>
      {value.mode === 'find' &&
        (value.chosen ? (
          <Group justify="space-between" className={classes.chosen} data-testid="picker-chosen">
            <Text fw={600}>{t('customerPicker.chosen', { name: fullName(value.chosen) })}</Text>
            <Button variant="subtle" size="compact-sm" onClick={() => onChange({ ...value, chosen: null })}>
              {t('customerPicker.change')}
            </Button>
          </Group>
        ) : (
          <Stack gap={4}>
            <TextInput label={t('customerPicker.search')} description={t('customerPicker.searchHint')} value={search} onChange={(event) => setSearch(event.currentTarget.value)} data-testid="picker-search" autoComplete="off" />
            {found.isFetching && <Text size="sm" c="dimmed">{t('customerPicker.searching')}</Text>}
            {found.data && found.data.length === 0 && <Text size="sm" c="dimmed">{t('customerPicker.noMatch')}</Text>}
            {found.data && found.data.length > 0 && (
              <ul className={classes.results}>
                {found.data.map((customer) => (
                  <li key={customer.id}>
                    <UnstyledButton className={classes.result} onClick={() => onChange({ ...value, chosen: customer })} data-testid="picker-result">
                      <Text fw={600} size="sm">{fullName(customer)}</Text>
                      <Text size="xs" c="dimmed">{[customer.email, customer.phone].filter(Boolean).join(' · ')}</Text>
                    </UnstyledButton>
                  </li>
                ))}
              </ul>
            )}
          </Stack>
        ))}
      {value.mode === 'guest' && (
        <Stack gap="sm">
          <Group grow align="flex-start" className={classes.pair}>
            <TextInput label={t('customerPicker.firstName')} required value={guest.first_name} onChange={(event) => setGuest({ first_name: event.currentTarget.value })} data-testid="picker-first-name" autoComplete="off" />
            <TextInput label={t('customerPicker.lastName')} value={guest.last_name} onChange={(event) => setGuest({ last_name: event.currentTarget.value })} autoComplete="off" />
          </Group>
          <Group grow align="flex-start" className={classes.pair}>
            <TextInput label={t('customerPicker.phone')} description={t('customerPicker.phoneHint')} type="tel" value={guest.phone} onChange={(event) => setGuest({ phone: event.currentTarget.value })} autoComplete="off" />
            <TextInput label={t('customerPicker.email')} type="email" value={guest.email} onChange={(event) => setGuest({ email: event.currentTarget.value })} data-testid="picker-email" autoComplete="off" />
          </Group>
        </Stack>
      )}
    </Stack>
  );
}
