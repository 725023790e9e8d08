import { Alert, Button, Group, Modal, SegmentedControl, Select, Stack, Text, Textarea, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { calendarErrorText } from './calendar-errors.ts';
import { clockLabel, instantOf, isoWithOffset, SNAP_MINUTES, type MinuteRange } from './calendar-time.ts';
import classes from './new-booking-modal.module.css';
import { useCreateBooking, useCustomerSearch, type Customer, type Service } from './use-calendar.ts';

const E164 = /^\+[1-9]\d{1,14}$/;

export interface NewBookingSlot {
  resourceId: string;
  date: string;
  minute: number;
}

interface Props {
  slot: NewBookingSlot;
  resources: readonly { id: string; name: string }[];
  services: readonly Service[];
  zone: string;
  bounds: MinuteRange;
  onClose: () => void;
}

function fullName(customer: Pick<Customer, 'first_name' | 'last_name'>): string {
  return [customer.first_name, customer.last_name].filter(Boolean).join(' ');
}

/** Booking for a phone or walk-in customer from an empty time: service, start, an existing customer or a new guest. */
export function NewBookingModal({ slot, resources, services, zone, bounds, onClose }: Props) {
  const { t, i18n } = useTranslation(['calendar', 'admin']);
  const [resourceId, setResourceId] = useState(slot.resourceId);
  const offered = services.filter((service) => (service.resource_ids ?? []).includes(resourceId));
  const [serviceId, setServiceId] = useState<string | null>(offered.length === 1 ? (offered[0]?.id ?? null) : null);
  const [minute, setMinute] = useState(slot.minute);
  const [mode, setMode] = useState<'find' | 'guest'>('find');
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 300);
  const found = useCustomerSearch(debounced);
  const [chosen, setChosen] = useState<Customer | null>(null);
  const [guest, setGuest] = useState({ first_name: '', last_name: '', email: '', phone: '' });
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const create = useCreateBooking();
  const resource = resources.find((candidate) => candidate.id === resourceId);

  const times: { value: string; label: string }[] = [];
  for (let at = bounds.start; at < bounds.end; at += SNAP_MINUTES) times.push({ value: String(at), label: clockLabel(at, i18n.language) });
  const dateLabel = new Intl.DateTimeFormat(i18n.language, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${slot.date}T00:00:00Z`));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    if (!serviceId) return setProblem(t('form.pickService'));
    let customer: { customer_id: string } | { first_name: string; last_name?: string; email?: string; phone?: string };
    if (mode === 'find') {
      if (!chosen) return setProblem(t('form.pickCustomer'));
      customer = { customer_id: chosen.id };
    } else {
      const email = guest.email.trim();
      const phone = guest.phone.replace(/[\s-]/g, '');
      if (!guest.first_name.trim() || (!email && !phone)) return setProblem(t('form.contactRequired'));
      if (phone && !E164.test(phone)) return setProblem(t('form.phoneInvalid'));
      customer = {
        first_name: guest.first_name.trim(),
        ...(guest.last_name.trim() ? { last_name: guest.last_name.trim() } : {}),
        ...(email ? { email } : {}),
        ...(phone ? { phone } : {}),
      };
    }
    const start = isoWithOffset(instantOf(slot.date, minute, zone), zone);
    create.mutate(
      { service_id: serviceId, resource_id: resourceId, start_time: start, customer, ...(note.trim() ? { internal_notes: note.trim() } : {}) },
      {
        onSuccess: (booking) => {
          const who = fullName(booking.customer);
          notifications.show({ color: 'green', message: `${t('form.booked', { number: booking.booking_number, customer: who, time: clockLabel(minute, i18n.language) })}${booking.status === 'pending_payment' ? ` ${t('form.deposit')}` : ''}` });
          onClose();
        },
        onError: (error) => setProblem(calendarErrorText(error, t)),
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title={t('form.title')} centered lockScroll={false} size="lg" closeButtonProps={{ 'aria-label': t('form.cancel') }}>
      <form onSubmit={submit} noValidate data-testid="new-booking-form">
        <Stack gap="md">
          <Text fw={600} data-testid="new-booking-when">
            {dateLabel} · {t('zone', { zone })}
          </Text>
          <Group grow align="flex-start" className={classes.row}>
            <Select
              label={t('form.with')}
              value={resourceId}
              onChange={(value) => value && (setResourceId(value), setServiceId(null))}
              data={resources.map((candidate) => ({ value: candidate.id, label: candidate.name }))}
              allowDeselect={false}
              data-testid="new-booking-resource"
            />
            <Select
              label={t('form.time')}
              value={String(minute)}
              onChange={(value) => value && setMinute(Number(value))}
              data={times}
              allowDeselect={false}
              searchable
              data-testid="new-booking-time"
            />
          </Group>
          {offered.length === 0 ? (
            <Alert color="yellow" data-testid="new-booking-no-services">
              {t('form.noServices', { resource: resource?.name ?? '' })}
            </Alert>
          ) : (
            <Select
              label={t('form.service')}
              placeholder={t('form.pickService')}
              value={serviceId}
              onChange={setServiceId}
              data={offered.map((service) => ({ value: service.id, label: `${service.name} · ${service.duration_minutes} min` }))}
              data-testid="new-booking-service"
            />
          )}
          <div>
            <Text size="sm" fw={500} mb={4} id="new-booking-customer-label">
              {t('form.customer')}
            </Text>
            <SegmentedControl
              fullWidth
              value={mode}
              onChange={(value) => setMode(value === 'guest' ? 'guest' : 'find')}
              data={[
                { value: 'find', label: t('form.find') },
                { value: 'guest', label: t('form.guest') },
              ]}
              aria-labelledby="new-booking-customer-label"
              data-testid="new-booking-customer-mode"
            />
          </div>
          {mode === 'find' &&
            (chosen ? (
              <Group justify="space-between" className={classes.chosen} data-testid="customer-chosen">
                <Text fw={600}>{t('form.chosen', { name: fullName(chosen) })}</Text>
                <Button variant="subtle" size="compact-sm" onClick={() => setChosen(null)}>
                  {t('form.change')}
                </Button>
              </Group>
            ) : (
              <Stack gap={4}>
                <TextInput label={t('form.search')} description={t('form.searchHint')} value={search} onChange={(event) => setSearch(event.currentTarget.value)} data-testid="customer-search" autoComplete="off" />
                {found.isFetching && <Text size="sm" c="dimmed">{t('form.searching')}</Text>}
                {found.data && found.data.length === 0 && <Text size="sm" c="dimmed" data-testid="customer-no-match">{t('form.noMatch')}</Text>}
                {found.data && found.data.length > 0 && (
                  <ul className={classes.results}>
                    {found.data.map((customer) => (
                      <li key={customer.id}>
                        <UnstyledButton className={classes.result} onClick={() => setChosen(customer)} data-testid="customer-result">
                          <Text fw={600} size="sm">{fullName(customer)}</Text>
                          <Text size="xs" c="dimmed">{[customer.email, customer.phone].filter(Boolean).join(' · ')}</Text>
                        </UnstyledButton>
                      </li>
                    ))}
                  </ul>
                )}
              </Stack>
            ))}
          {mode === 'guest' && (
            <Stack gap="sm">
              <Group grow align="flex-start" className={classes.row}>
                <TextInput label={t('form.firstName')} required value={guest.first_name} onChange={(event) => setGuest({ ...guest, first_name: event.currentTarget.value })} data-testid="guest-first-name" autoComplete="off" />
                <TextInput label={t('form.lastName')} value={guest.last_name} onChange={(event) => setGuest({ ...guest, last_name: event.currentTarget.value })} data-testid="guest-last-name" autoComplete="off" />
              </Group>
              <Group grow align="flex-start" className={classes.row}>
                <TextInput label={t('form.phone')} description={t('form.phoneHint')} type="tel" value={guest.phone} onChange={(event) => setGuest({ ...guest, phone: event.currentTarget.value })} data-testid="guest-phone" autoComplete="off" />
                <TextInput label={t('form.email')} type="email" value={guest.email} onChange={(event) => setGuest({ ...guest, email: event.currentTarget.value })} data-testid="guest-email" autoComplete="off" />
              </Group>
            </Stack>
          )}
          <Textarea label={t('form.internalNotes')} value={note} onChange={(event) => setNote(event.currentTarget.value)} maxLength={5000} autosize minRows={2} />
          {problem && (
            <Alert color="red" role="alert" data-testid="new-booking-error">
              {problem}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('form.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending} disabled={offered.length === 0} data-testid="new-booking-submit">
              {t('form.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
