import { Button, Group, SegmentedControl, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import classes from './new-booking-modal.module.css';
import { useCustomerSearch, type Customer } from './use-calendar.ts';

const E164 = /^\+[1-9]\d{1,14}$/;

export const fullName = (customer: { first_name: string; last_name?: string | null }): string => [customer.first_name, customer.last_name].filter(Boolean).join(' ');

export interface PickedCustomer {
  mode: 'find' | 'guest';
  chosen: Customer | null;
  guest: { first_name: string; last_name: string; email: string; phone: string };
}

export const NO_CUSTOMER: PickedCustomer = { mode: 'find', chosen: null, guest: { first_name: '', last_name: '', email: '', phone: '' } };

/** The customer as the API takes it on a booking or a waitlist entry: one found, or a guest to create. */
export type CustomerInput = { customer_id: string } | { first_name: string; last_name?: string; email?: string; phone?: string };

/** Why a pick cannot be sent yet: a word each form words in its own way. */
export type PickProblem = 'pickCustomer' | 'contactRequired' | 'phoneInvalid';

/** The API's customer for the pick, with its display name, or what is missing. */
export function customerInput(picked: PickedCustomer): { customer: CustomerInput; name: string } | { problem: PickProblem } {
  if (picked.mode === 'find') return picked.chosen ? { customer: { customer_id: picked.chosen.id }, name: fullName(picked.chosen) } : { problem: 'pickCustomer' };
  const { guest } = picked;
  const email = guest.email.trim();
  const phone = guest.phone.replace(/[\s-]/g, '');
  if (!guest.first_name.trim() || (!email && !phone)) return { problem: 'contactRequired' };
  if (phone && !E164.test(phone)) return { problem: 'phoneInvalid' };
  const customer = {
    first_name: guest.first_name.trim(),
    ...(guest.last_name.trim() ? { last_name: guest.last_name.trim() } : {}),
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
  };
  return { customer, name: fullName(customer) };
}

type Field = 'mode' | 'chosen' | 'search' | 'result' | 'noMatch' | 'firstName' | 'lastName' | 'phone' | 'email';

interface Props {
  value: PickedCustomer;
  onChange: (value: PickedCustomer) => void;
  /** Where the picker's words are, e.g. `calendar:form`: each form keeps its own wording. */
  words: string;
  testIds: Partial<Record<Field, string>>;
}

/** A customer found by name, email or phone, or a new guest typed in: the new booking's and the desk's forms. */
export function CustomerPicker({ value, onChange, words, testIds }: Props) {
  const { t } = useTranslation();
  const word = (key: string, options?: Record<string, string>) => t(`${words}.${key}`, options ?? {});
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
          {word('customer')}
        </Text>
        <SegmentedControl
          fullWidth
          value={value.mode}
          onChange={(mode) => onChange({ ...value, mode: mode === 'guest' ? 'guest' : 'find' })}
          data={[
            { value: 'find', label: word('find') },
            { value: 'guest', label: word('guest') },
          ]}
          aria-labelledby={labelId}
          data-testid={testIds.mode}
        />
      </div>
      {value.mode === 'find' &&
        (value.chosen ? (
          <Group justify="space-between" className={classes.chosen} data-testid={testIds.chosen}>
            <Text fw={600}>{word('chosen', { name: fullName(value.chosen) })}</Text>
            <Button variant="subtle" size="compact-sm" onClick={() => onChange({ ...value, chosen: null })}>
              {word('change')}
            </Button>
          </Group>
        ) : (
          <Stack gap={4}>
            <TextInput label={word('search')} description={word('searchHint')} value={search} onChange={(event) => setSearch(event.currentTarget.value)} data-testid={testIds.search} autoComplete="off" />
            {found.isFetching && <Text size="sm" c="dimmed">{word('searching')}</Text>}
            {found.data && found.data.length === 0 && <Text size="sm" c="dimmed" data-testid={testIds.noMatch}>{word('noMatch')}</Text>}
            {found.data && found.data.length > 0 && (
              <ul className={classes.results}>
                {found.data.map((customer) => (
                  <li key={customer.id}>
                    <UnstyledButton className={classes.result} onClick={() => onChange({ ...value, chosen: customer })} data-testid={testIds.result}>
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
          <Group grow align="flex-start" className={classes.row}>
            <TextInput label={word('firstName')} required value={guest.first_name} onChange={(event) => setGuest({ first_name: event.currentTarget.value })} data-testid={testIds.firstName} autoComplete="off" />
            <TextInput label={word('lastName')} value={guest.last_name} onChange={(event) => setGuest({ last_name: event.currentTarget.value })} data-testid={testIds.lastName} autoComplete="off" />
          </Group>
          <Group grow align="flex-start" className={classes.row}>
            <TextInput label={word('phone')} description={word('phoneHint')} type="tel" value={guest.phone} onChange={(event) => setGuest({ phone: event.currentTarget.value })} data-testid={testIds.phone} autoComplete="off" />
            <TextInput label={word('email')} type="email" value={guest.email} onChange={(event) => setGuest({ email: event.currentTarget.value })} data-testid={testIds.email} autoComplete="off" />
          </Group>
        </Stack>
      )}
    </Stack>
  );
}
