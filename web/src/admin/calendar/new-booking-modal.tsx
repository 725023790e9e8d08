import { Alert, Button, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ModalFooter } from '../ui/modal-footer.tsx';
import { calendarErrorText } from './calendar-errors.ts';
import { clockLabel, clockOptions, instantOf, isoWithOffset, type MinuteRange } from './calendar-time.ts';
import { CustomerPicker, customerInput, fullName, NO_CUSTOMER } from './customer-picker.tsx';
import classes from './new-booking-modal.module.css';
import { useCreateBooking, type Service } from './use-calendar.ts';

/** The new booking's customer picker, as the tests find it. */
const PICKER_IDS = {
  mode: 'new-booking-customer-mode',
  chosen: 'customer-chosen',
  search: 'customer-search',
  result: 'customer-result',
  noMatch: 'customer-no-match',
  firstName: 'guest-first-name',
  lastName: 'guest-last-name',
  phone: 'guest-phone',
  email: 'guest-email',
};

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

/** Booking for a phone or walk-in customer from an empty time: service, start, an existing customer or a new guest. */
export function NewBookingModal({ slot, resources, services, zone, bounds, onClose }: Props) {
  const { t, i18n } = useTranslation(['calendar', 'admin']);
  const [resourceId, setResourceId] = useState(slot.resourceId);
  const offered = services.filter((service) => (service.resource_ids ?? []).includes(resourceId));
  const [serviceId, setServiceId] = useState<string | null>(offered.length === 1 ? (offered[0]?.id ?? null) : null);
  const [minute, setMinute] = useState(slot.minute);
  const [picked, setPicked] = useState(NO_CUSTOMER);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const create = useCreateBooking();
  const resource = resources.find((candidate) => candidate.id === resourceId);

  // Starts before the day's end: minutes are whole, so `end - 1` keeps the last start strictly inside.
  const times = clockOptions(bounds.start, bounds.end - 1, i18n.language);
  const dateLabel = new Intl.DateTimeFormat(i18n.language, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${slot.date}T00:00:00Z`));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    if (!serviceId) return setProblem(t('form.pickService'));
    const input = customerInput(picked);
    if ('problem' in input) return setProblem(t(`form.${input.problem}`));
    const start = isoWithOffset(instantOf(slot.date, minute, zone), zone);
    create.mutate(
      { service_id: serviceId, resource_id: resourceId, start_time: start, customer: input.customer, ...(note.trim() ? { internal_notes: note.trim() } : {}) },
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
          <CustomerPicker value={picked} onChange={setPicked} words="calendar:form" testIds={PICKER_IDS} />
          <Textarea label={t('form.internalNotes')} value={note} onChange={(event) => setNote(event.currentTarget.value)} maxLength={5000} autosize minRows={2} />
          <ModalFooter problem={problem} problemTestId="new-booking-error" backLabel={t('form.cancel')} onBack={onClose}>
            <Button type="submit" loading={create.isPending} disabled={offered.length === 0} data-testid="new-booking-submit">
              {t('form.submit')}
            </Button>
          </ModalFooter>
        </Stack>
      </form>
    </Modal>
  );
}
