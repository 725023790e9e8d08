import { Button, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ModalFooter } from '../ui/modal-footer.tsx';
import { calendarErrorText } from './calendar-errors.ts';
import { clockLabel, clockOptions, instantOf, isoWithOffset, zonedMinute, type MinuteRange } from './calendar-time.ts';
import classes from './new-booking-modal.module.css';
import { BLOCK_REASONS, useCreateTimeBlock, useRemoveTimeBlock, type BlockReason, type TimeBlock } from './use-time-blocks.ts';

/** Where a block starts: a resource, a local date and the selected minutes of that date. */
export interface BlockSelection {
  resourceId: string;
  date: string;
  start: number;
  end: number;
}

interface Props {
  selection: BlockSelection;
  resources: readonly { id: string; name: string }[];
  zone: string;
  bounds: MinuteRange;
  onClose: () => void;
}

const dateLabel = (date: string, language: string) =>
  new Intl.DateTimeFormat(language, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));

/**
 * Blocking part of a day (a break, a meeting, training) for one resource: start and end in the
 * location's zone, prefilled from the selection. The server refuses a block over a booking, and
 * says which: the booking is moved or cancelled first.
 */
export function BlockTimeModal({ selection, resources, zone, bounds, onClose }: Props) {
  const { t, i18n } = useTranslation(['calendar', 'admin']);
  const [resourceId, setResourceId] = useState(selection.resourceId);
  const [start, setStart] = useState(selection.start);
  const [end, setEnd] = useState(selection.end);
  const [reason, setReason] = useState<BlockReason>('break');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const create = useCreateTimeBlock();

  const times = clockOptions(bounds.start, bounds.end, i18n.language);
  const at = (minute: number) => isoWithOffset(instantOf(selection.date, minute, zone), zone);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    if (end <= start) return setProblem(t('block.endBeforeStart'));
    create.mutate(
      { resource_id: resourceId, starts_at: at(start), ends_at: at(end), reason, ...(note.trim() ? { note: note.trim() } : {}) },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', message: t('block.done', { reason: t(`block.reason.${reason}`), from: clockLabel(start, i18n.language), to: clockLabel(end, i18n.language) }) });
          onClose();
        },
        onError: (error) => setProblem(calendarErrorText(error, t)),
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title={t('block.title')} centered lockScroll={false} closeButtonProps={{ 'aria-label': t('form.cancel') }}>
      <form onSubmit={submit} noValidate data-testid="block-time-form">
        <Stack gap="md">
          <Text fw={600}>
            {dateLabel(selection.date, i18n.language)} · {t('zone', { zone })}
          </Text>
          <Select
            label={t('block.resource')}
            value={resourceId}
            onChange={(value) => value && setResourceId(value)}
            data={resources.map((candidate) => ({ value: candidate.id, label: candidate.name }))}
            allowDeselect={false}
            data-testid="block-resource"
          />
          <Group grow align="flex-start" className={classes.row}>
            <Select label={t('block.from')} value={String(start)} onChange={(value) => value && setStart(Number(value))} data={times.slice(0, -1)} allowDeselect={false} searchable data-testid="block-start" />
            <Select label={t('block.to')} value={String(end)} onChange={(value) => value && setEnd(Number(value))} data={times.slice(1)} allowDeselect={false} searchable data-testid="block-end" />
          </Group>
          <Select
            label={t('block.why')}
            value={reason}
            onChange={(value) => setReason(BLOCK_REASONS.find((candidate) => candidate === value) ?? 'other')}
            data={BLOCK_REASONS.map((value) => ({ value, label: t(`block.reason.${value}`) }))}
            allowDeselect={false}
            data-testid="block-reason"
          />
          <Textarea label={t('block.note')} value={note} onChange={(event) => setNote(event.currentTarget.value)} maxLength={500} autosize minRows={2} />
          <ModalFooter problem={problem} problemTestId="block-error" backLabel={t('form.cancel')} onBack={onClose}>
            <Button type="submit" loading={create.isPending} data-testid="block-submit">
              {t('block.submit')}
            </Button>
          </ModalFooter>
        </Stack>
      </form>
    </Modal>
  );
}

/** A block opened from the calendar: what and when, and removing it (the time is bookable again). */
export function BlockDetailModal({ block, zone, canRemove, onClose }: { block: TimeBlock; zone: string; canRemove: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation(['calendar', 'admin']);
  const remove = useRemoveTimeBlock();
  const from = zonedMinute(block.starts_at, zone);
  const to = zonedMinute(block.ends_at, zone);
  return (
    <Modal opened onClose={onClose} title={t(`block.reason.${block.reason}`)} centered lockScroll={false} closeButtonProps={{ 'aria-label': t('form.cancel') }}>
      <Stack gap="md" data-testid="block-detail">
        <Text>
          {dateLabel(from.date, i18n.language)}, {clockLabel(from.minute, i18n.language)}–{clockLabel(to.minute, i18n.language)}
        </Text>
        {block.note && <Text c="dimmed">{block.note}</Text>}
        <ModalFooter problem={remove.isError ? calendarErrorText(remove.error, t) : null} backLabel={t('form.cancel')} onBack={onClose}>
          {canRemove && (
            <Button color="red.8" loading={remove.isPending} onClick={() => remove.mutate(block.id, { onSuccess: onClose })} data-testid="block-remove">
              {t('block.remove')}
            </Button>
          )}
        </ModalFooter>
      </Stack>
    </Modal>
  );
}
