import { Alert, Button, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { clockOptions, instantOf, isoWithOffset } from '../calendar/calendar-time.ts';
import { CustomerPicker, customerInput, NO_CUSTOMER } from '../calendar/customer-picker.tsx';
import { ModalFooter } from '../ui/modal-footer.tsx';
import { timeIn, todayIn } from '../ui/time-format.ts';
import { useFreeSlots, useJoinWaitlist, useOfferSlot, type WaitlistEntry, type WaitlistJoin } from './use-waitlist.ts';
import classes from './waitlist.module.css';
import { waitlistErrorText } from './waitlist-words.ts';

const PRIORITIES = ['standard', 'premium', 'vip'] as const;

/** Each day of a date picker names its date (`data-date`), so a test can pick one. */
export const dayHook = (date: string) => ({ 'data-date': date });
/** The desk forms' customer picker, as the tests find it. */
export const PICKER_IDS = { mode: 'picker-mode', chosen: 'picker-chosen', search: 'picker-search', result: 'picker-result', firstName: 'picker-first-name', email: 'picker-email' };
const FIRST_MINUTE = 7 * 60;
const LAST_MINUTE = 22 * 60;

/** A wanted window on one day: the customer, the day and hours they could come, their priority. */
export function JoinWaitlistModal({ serviceId, zone, onClose }: { serviceId: string; zone: string; onClose: () => void }) {
  const { t, i18n } = useTranslation(['waitlist', 'admin']);
  const [picked, setPicked] = useState(NO_CUSTOMER);
  const [date, setDate] = useState<string | null>(todayIn(zone));
  const [from, setFrom] = useState(9 * 60);
  const [to, setTo] = useState(18 * 60);
  const [priority, setPriority] = useState<WaitlistJoin['priority']>('standard');
  const [notes, setNotes] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const join = useJoinWaitlist();
  const times = clockOptions(FIRST_MINUTE, LAST_MINUTE, i18n.language);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const input = customerInput(picked);
    if ('problem' in input) return setProblem(t(`customerPicker.${input.problem}`));
    if (!date || to <= from) return setProblem(t('form.windowInvalid'));
    const at = (minute: number) => isoWithOffset(instantOf(date, minute, zone), zone);
    join.mutate(
      { service_id: serviceId, customer: input.customer, preferred_times: [{ start: at(from), end: at(to) }], priority, ...(notes.trim() ? { notes: notes.trim() } : {}) },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', message: t('form.added', { name: input.name }) });
          onClose();
        },
        onError: (error) => setProblem(waitlistErrorText(error, t)),
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title={t('form.title')} centered lockScroll={false} size="lg" closeButtonProps={{ 'aria-label': t('form.cancel') }}>
      <form onSubmit={submit} noValidate data-testid="waitlist-join-form">
        <Stack gap="md">
          <CustomerPicker value={picked} onChange={setPicked} words="waitlist:customerPicker" testIds={PICKER_IDS} />
          <DateInput label={t('form.date')} value={date} onChange={setDate} valueFormat="ddd D MMM YYYY" locale={i18n.language} minDate={todayIn(zone)} getDayProps={dayHook} data-testid="waitlist-date" />
          <Group grow align="flex-start" className={classes.pair}>
            <Select label={t('form.from')} value={String(from)} onChange={(value) => value && setFrom(Number(value))} data={times} allowDeselect={false} searchable data-testid="waitlist-from" />
            <Select label={t('form.to')} value={String(to)} onChange={(value) => value && setTo(Number(value))} data={times} allowDeselect={false} searchable data-testid="waitlist-to" />
          </Group>
          <Select
            label={t('form.priority')}
            value={priority ?? 'standard'}
            onChange={(value) => setPriority(PRIORITIES.find((candidate) => candidate === value) ?? 'standard')}
            data={PRIORITIES.map((value) => ({ value, label: t(`form.priorities.${value}`) }))}
            allowDeselect={false}
          />
          <Textarea label={t('form.notes')} value={notes} onChange={(event) => setNotes(event.currentTarget.value)} maxLength={1000} autosize minRows={2} />
          <ModalFooter problem={problem} problemTestId="waitlist-form-error" backLabel={t('form.cancel')} onBack={onClose}>
            <Button type="submit" loading={join.isPending} data-testid="waitlist-join-submit">
              {t('form.submit')}
            </Button>
          </ModalFooter>
        </Stack>
      </form>
    </Modal>
  );
}

/** Offers one free time now to the entry: the free starts of its service that day (on its resource, if it waits for one). */
export function OfferSlotModal({ entry, name, zone, onClose }: { entry: WaitlistEntry; name: string; zone: string; onClose: () => void }) {
  const { t, i18n } = useTranslation(['waitlist', 'admin']);
  // The day the customer wants, unless it has passed.
  const wanted = entry.preferred_times[0] ? todayIn(zone, new Date(entry.preferred_times[0].start)) : null;
  const [date, setDate] = useState<string | null>(wanted && wanted > todayIn(zone) ? wanted : todayIn(zone));
  const [choice, setChoice] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const slots = useFreeSlots(entry.service_id, date);
  const offer = useOfferSlot();
  const options = (slots.data ?? [])
    .filter((slot) => entry.resource_id === null || slot.resourceId === entry.resource_id)
    .map((slot) => ({ value: `${slot.resourceId}|${slot.start}`, label: `${timeIn(slot.start, zone, i18n.language)} · ${slot.resourceName}` }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const [resourceId, start] = choice?.split('|') ?? [];
    if (!resourceId || !start) return setProblem(t('offerForm.pickSlot'));
    offer.mutate(
      { id: entry.id, slot: { resource_id: resourceId, start_time: start } },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', message: t('offerForm.sent', { name }) });
          onClose();
        },
        onError: (error) => setProblem(waitlistErrorText(error, t)),
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title={t('offerForm.title', { name })} centered lockScroll={false} size="md" closeButtonProps={{ 'aria-label': t('offerForm.cancel') }}>
      <form onSubmit={submit} noValidate data-testid="waitlist-offer-form">
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {t('offerForm.hint')}
          </Text>
          <DateInput label={t('offerForm.date')} value={date} onChange={(value) => (setDate(value), setChoice(null))} valueFormat="ddd D MMM YYYY" locale={i18n.language} minDate={todayIn(zone)} getDayProps={dayHook} data-testid="offer-date" />
          {slots.isSuccess && options.length === 0 ? (
            <Alert color="yellow" data-testid="offer-no-slots">
              {t('offerForm.noSlots')}
            </Alert>
          ) : (
            <Select label={t('offerForm.slot')} placeholder={t('offerForm.pickSlot')} value={choice} onChange={setChoice} data={options} searchable data-testid="offer-slot" />
          )}
          {slots.isError && <Alert color="red">{waitlistErrorText(slots.error, t)}</Alert>}
          <ModalFooter problem={problem} problemTestId="offer-error" backLabel={t('offerForm.cancel')} onBack={onClose}>
            <Button type="submit" loading={offer.isPending} data-testid="offer-submit">
              {t('offerForm.submit')}
            </Button>
          </ModalFooter>
        </Stack>
      </form>
    </Modal>
  );
}
