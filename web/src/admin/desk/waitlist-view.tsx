import { Alert, Button, Group, Modal, Paper, Select, Skeleton, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useServices } from '../calendar/use-calendar.ts';
import { ModalFooter } from '../ui/modal-footer.tsx';
import { dateTimeIn, timeIn, todayIn } from '../ui/time-format.ts';
import { ToneBadge, type Tone } from '../ui/tone-badge.tsx';
import { useCustomerName, useRemoveEntry, useWaitlist, type WaitlistEntry } from './use-waitlist.ts';
import { JoinWaitlistModal, OfferSlotModal } from './waitlist-forms.tsx';
import classes from './waitlist.module.css';
import { waitlistErrorText } from './waitlist-words.ts';

type EntryState = 'waiting' | 'offered' | 'booked' | 'expired';
const TONES: Record<EntryState, Tone> = { waiting: 'info', offered: 'warning', booked: 'positive', expired: 'neutral' };

/** What the desk shows of an entry: an open offer (until when), claimed, or waiting again after an offer ran out. */
function stateOf(entry: WaitlistEntry): { state: EntryState; open: NonNullable<WaitlistEntry['offers']>[number] | undefined } {
  const offers = entry.offers ?? [];
  const open = offers.find((offer) => offer.status === 'open');
  if (entry.status === 'booked') return { state: 'booked', open };
  if (open) return { state: 'offered', open };
  return { state: offers.at(-1)?.status === 'expired' ? 'expired' : 'waiting', open };
}

/** Until when an offer holds: the time, with the date too when that is not today (in the location's zone). */
function untilIn(instant: string, zone: string, language: string): string {
  return todayIn(zone, new Date(instant)) === todayIn(zone) ? timeIn(instant, zone, language) : dateTimeIn(instant, zone, language);
}

function EntryRow({ entry, zone, onOffer, onRemove }: { entry: WaitlistEntry; zone: string; onOffer: (name: string) => void; onRemove: (name: string) => void }) {
  const { t, i18n } = useTranslation('waitlist');
  const customer = useCustomerName(entry.customer_id);
  const name = customer.data ?? t('unknownCustomer');
  const { state, open } = stateOf(entry);
  const at = (instant: string) => dateTimeIn(instant, zone, i18n.language);
  return (
    <li className={classes.entry} data-testid="waitlist-entry" data-state={state}>
      <div>
        <Text fw={600}>{name}</Text>
        <Text size="sm">
          {t('wants')}: {entry.preferred_times.map((range) => `${at(range.start)}–${timeIn(range.end, zone, i18n.language)}`).join(', ')}
        </Text>
        <Text size="sm" c="dimmed">
          {t('since', { time: at(entry.created_at) })}
          {open ? ` · ${t('offeredSlot', { time: at(open.start_time) })}` : ''}
        </Text>
      </div>
      <Stack gap="xs" align="flex-start">
        <ToneBadge tone={TONES[state]} testId="waitlist-state">
          {t(`state.${state}`, { time: open ? untilIn(open.expires_at, zone, i18n.language) : '' })}
        </ToneBadge>
        {state !== 'booked' && (
          <Group gap="xs">
            {state !== 'offered' && (
              <Button size="compact-md" onClick={() => onOffer(name)} data-testid="waitlist-offer">
                {t('offer')}
              </Button>
            )}
            <Button size="compact-md" variant="default" onClick={() => onRemove(name)} data-testid="waitlist-remove">
              {t('remove')}
            </Button>
          </Group>
        )}
      </Stack>
    </li>
  );
}

/** The confirm step of removing an entry: an open offer is withdrawn and passes on. */
function RemoveConfirm({ entry, name, onClose }: { entry: WaitlistEntry; name: string; onClose: () => void }) {
  const { t } = useTranslation(['waitlist', 'admin']);
  const remove = useRemoveEntry();
  const run = () =>
    remove.mutate(entry.id, {
      onSuccess: () => {
        notifications.show({ color: 'green', message: t('removed') });
        onClose();
      },
    });
  return (
    <Modal opened onClose={onClose} title={t('remove')} centered lockScroll={false} closeButtonProps={{ 'aria-label': t('keep') }}>
      <Stack gap="md">
        <Text>{t('removeConfirm', { name })}</Text>
        <ModalFooter problem={remove.isError ? waitlistErrorText(remove.error, t) : null} backLabel={t('keep')} onBack={onClose}>
          <Button color="red.8" loading={remove.isPending} onClick={run} data-testid="waitlist-remove-confirm">
            {t('remove')}
          </Button>
        </ModalFooter>
      </Stack>
    </Modal>
  );
}

/**
 * The front desk's waitlist: who waits for a service and for when, their offers live, and offering a
 * freed time by hand. `heading` and `tabs` are the desk page's, so switching views keeps them in place.
 */
export function WaitlistView({ zone, heading, tabs }: { zone: string; heading: string; tabs: React.ReactNode }) {
  const { t } = useTranslation(['waitlist', 'admin']);
  const services = useServices();
  const [picked, setPicked] = useState<string | null>(null);
  const serviceId = picked ?? services.data?.[0]?.id ?? null;
  const entries = useWaitlist(serviceId);
  const [joining, setJoining] = useState(false);
  const [acting, setActing] = useState<{ entry: WaitlistEntry; name: string; action: 'offer' | 'remove' } | null>(null);
  const count = entries.data?.length ?? 0;

  return (
    <Stack gap="lg" data-testid="waitlist-view">
      <Title order={1} size="h2">
        {heading}
      </Title>
      {tabs}
      {services.isSuccess && services.data.length === 0 && (
        <Paper withBorder p="lg" radius="md" data-testid="waitlist-no-services">
          <Text>{t('noServices')}</Text>
        </Paper>
      )}
      <Group gap="sm" align="flex-end" justify="space-between">
        <Select
          label={t('service')}
          placeholder={t('pickService')}
          value={serviceId}
          onChange={setPicked}
          data={(services.data ?? []).map((service) => ({ value: service.id, label: service.name }))}
          allowDeselect={false}
          data-testid="waitlist-service"
        />
        <Button onClick={() => setJoining(true)} disabled={serviceId === null} data-testid="waitlist-add">
          {t('add')}
        </Button>
      </Group>
      {entries.isError && <Alert color="red">{waitlistErrorText(entries.error, t)}</Alert>}
      {services.isPending || (serviceId !== null && entries.isPending) ? (
        <Skeleton height={64} />
      ) : count === 0 ? (
        <Paper withBorder p="lg" radius="md" data-testid="waitlist-empty">
          <Text fw={600}>{t('empty')}</Text>
          <Text size="sm" c="dimmed">
            {t('emptyHint')}
          </Text>
        </Paper>
      ) : (
        <section aria-live="polite" aria-label={t('count', { count })}>
          <Text size="sm" c="dimmed" mb="xs">
            {t('count', { count })}
          </Text>
          <ul className={classes.entries}>
            {(entries.data ?? []).map((entry) => (
              <EntryRow
                key={entry.id}
                entry={entry}
                zone={zone}
                onOffer={(name) => setActing({ entry, name, action: 'offer' })}
                onRemove={(name) => setActing({ entry, name, action: 'remove' })}
              />
            ))}
          </ul>
        </section>
      )}
      {joining && serviceId && <JoinWaitlistModal serviceId={serviceId} zone={zone} onClose={() => setJoining(false)} />}
      {acting?.action === 'offer' && <OfferSlotModal entry={acting.entry} name={acting.name} zone={zone} onClose={() => setActing(null)} />}
      {acting?.action === 'remove' && <RemoveConfirm entry={acting.entry} name={acting.name} onClose={() => setActing(null)} />}
    </Stack>
  );
}
