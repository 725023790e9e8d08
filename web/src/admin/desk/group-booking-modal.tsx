import { Button, Fieldset, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CustomerPicker, customerInput, NO_CUSTOMER } from '../calendar/customer-picker.tsx';
import { useServices, type Service } from '../calendar/use-calendar.ts';
import { ModalFooter } from '../ui/modal-footer.tsx';
import { timeIn, todayIn } from '../ui/time-format.ts';
import { useBookGroup, useFreeSlots } from './use-waitlist.ts';
import { dayHook, PICKER_IDS } from './waitlist-forms.tsx';
import classes from './waitlist.module.css';
import { waitlistErrorText } from './waitlist-words.ts';

const MAX_ITEMS = 6;

interface Item {
  key: number;
  serviceId: string | null;
  /** `resourceId|start` of a free start of the service. */
  slot: string | null;
}

/** One service of the group and one of its free starts that day. */
function ItemFields({ item, number, date, zone, services, onChange, onRemove }: {
  item: Item;
  number: number;
  date: string | null;
  zone: string;
  services: readonly Service[];
  onChange: (item: Item) => void;
  onRemove: (() => void) | null;
}) {
  const { t, i18n } = useTranslation('waitlist');
  const slots = useFreeSlots(item.serviceId, date);
  return (
    <Fieldset legend={t('group.item', { number })} data-testid="group-item">
      <Group grow align="flex-start" className={classes.pair}>
        <Select
          label={t('group.service')}
          value={item.serviceId}
          onChange={(serviceId) => onChange({ ...item, serviceId, slot: null })}
          data={services.map((service) => ({ value: service.id, label: `${service.name} · ${service.duration_minutes} min` }))}
          data-testid="group-service"
        />
        <Select
          label={t('group.slot')}
          placeholder={t('group.pickSlot')}
          value={item.slot}
          onChange={(slot) => onChange({ ...item, slot })}
          data={(slots.data ?? []).map((slot) => ({ value: `${slot.resourceId}|${slot.start}`, label: `${timeIn(slot.start, zone, i18n.language)} · ${slot.resourceName}` }))}
          disabled={item.serviceId === null}
          searchable
          data-testid="group-slot"
        />
      </Group>
      {onRemove && (
        <Button variant="subtle" size="compact-sm" mt="xs" onClick={onRemove}>
          {t('group.removeItem')}
        </Button>
      )}
    </Fieldset>
  );
}

/**
 * Several services for one customer in one go (cut and colour back to back): POST /bookings/batch,
 * which books all of them or none; a refusal names why the slot that failed was refused.
 */
export function GroupBookingModal({ zone, onClose }: { zone: string; onClose: () => void }) {
  const { t, i18n } = useTranslation(['waitlist', 'admin']);
  const services = useServices();
  const [picked, setPicked] = useState(NO_CUSTOMER);
  const [date, setDate] = useState<string | null>(todayIn(zone));
  const [items, setItems] = useState<Item[]>([
    { key: 0, serviceId: null, slot: null },
    { key: 1, serviceId: null, slot: null },
  ]);
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [problem, setProblem] = useState<string | null>(null);
  const book = useBookGroup();
  const update = (changed: Item) => setItems((current) => current.map((item) => (item.key === changed.key ? changed : item)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const input = customerInput(picked);
    if ('problem' in input) return setProblem(t(`customerPicker.${input.problem}`));
    const chosen = items.flatMap((item) => {
      const [resourceId, start] = item.slot?.split('|') ?? [];
      return item.serviceId && resourceId && start ? [{ service_id: item.serviceId, resource_id: resourceId, start_time: start }] : [];
    });
    if (chosen.length < 2 || chosen.length < items.length) return setProblem(t('group.needTwo'));
    book.mutate(
      { body: { customer: input.customer, items: chosen }, key },
      {
        onSuccess: (group) => {
          notifications.show({ color: 'green', message: t('group.booked', { count: group.bookings.length, name: input.name }) });
          onClose();
        },
        onError: (error) => {
          // The server answered, so nothing was booked: the next try is a new request.
          setKey(crypto.randomUUID());
          setProblem(t('group.refused', { reason: waitlistErrorText(error, t) }));
        },
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title={t('group.title')} centered lockScroll={false} size="lg" closeButtonProps={{ 'aria-label': t('group.cancel') }}>
      <form onSubmit={submit} noValidate data-testid="group-booking-form">
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {t('group.hint')}
          </Text>
          <CustomerPicker value={picked} onChange={setPicked} words="waitlist:customerPicker" testIds={PICKER_IDS} />
          <DateInput label={t('group.date')} value={date} onChange={(value) => (setDate(value), setItems((current) => current.map((item) => ({ ...item, slot: null }))))} valueFormat="ddd D MMM YYYY" locale={i18n.language} minDate={todayIn(zone)} getDayProps={dayHook} data-testid="group-date" />
          {items.map((item, index) => (
            <ItemFields
              key={item.key}
              item={item}
              number={index + 1}
              date={date}
              zone={zone}
              services={services.data ?? []}
              onChange={update}
              onRemove={items.length > 2 ? () => setItems((current) => current.filter((candidate) => candidate.key !== item.key)) : null}
            />
          ))}
          {items.length < MAX_ITEMS && (
            <Button variant="subtle" onClick={() => setItems((current) => [...current, { key: Math.max(...current.map((item) => item.key)) + 1, serviceId: null, slot: null }])} data-testid="group-add-item">
              {t('group.addItem')}
            </Button>
          )}
          <ModalFooter problem={problem} problemTestId="group-error" backLabel={t('group.cancel')} onBack={onClose}>
            <Button type="submit" loading={book.isPending} data-testid="group-submit">
              {t('group.submit')}
            </Button>
          </ModalFooter>
        </Stack>
      </form>
    </Modal>
  );
}
