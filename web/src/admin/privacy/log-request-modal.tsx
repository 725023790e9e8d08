import { Alert, Button, Group, Modal, NativeSelect, Radio, Skeleton, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { customerSearchable, fullName } from '../customers/customer-facts.ts';
import { useCustomerList, type Customer } from '../customers/use-customers.ts';
import { ModalFooter } from '../ui/modal-footer.tsx';
import { todayIn } from '../ui/time-format.ts';
import { privacyErrorText } from './privacy-errors.ts';
import { receivedAtFor } from './privacy-facts.ts';
import classes from './privacy.module.css';
import { shortDate } from './request-row.tsx';
import { KINDS, LOGGED_CHANNELS, useLogRequest, type LoggedChannel, type PrivacyKind } from './use-privacy.ts';
import { DateField } from '../ui/date-field.tsx';

/** The customer a request is about: the customers screen's search, then one chosen profile (or none). */
function CustomerPicker({ picked, onPick }: { picked: Customer | null; onPick: (customer: Customer | null) => void }) {
  const { t } = useTranslation('privacy');
  const [typed, setTyped] = useState('');
  const [search] = useDebouncedValue(typed.trim(), 300);
  const searchable = search !== '' && customerSearchable(search);
  const results = useCustomerList(searchable ? search : '');
  const candidates = searchable ? (results.data?.pages.flatMap((page) => page.items) ?? []).slice(0, 5) : [];

  if (picked) {
    return (
      <div className={classes.picked} data-testid="privacy-log-picked" data-customer-id={picked.id}>
        <span className={classes.pickedWho}>
          <Text size="sm" fw={600} className={classes.ellipsis}>
            {t('log.picked', { name: fullName(picked) })}
          </Text>
          <Text size="sm" c="dimmed" className={classes.ellipsis}>
            {[picked.email, picked.phone].filter(Boolean).join(' · ')}
          </Text>
        </span>
        <Button size="xs" variant="default" onClick={() => onPick(null)} data-testid="privacy-log-unpick">
          {t('log.change')}
        </Button>
      </div>
    );
  }
  return (
    <Stack gap="xs">
      <TextInput
        type="search"
        label={t('log.who')}
        description={t('log.whoHint')}
        placeholder={t('log.search')}
        value={typed}
        onChange={(event) => setTyped(event.currentTarget.value)}
        autoComplete="off"
        data-testid="privacy-log-search"
      />
      {search !== '' && !searchable && (
        <Text size="sm" c="dimmed">
          {t('log.tooShort')}
        </Text>
      )}
      {searchable && results.isPending && <Skeleton height={48} />}
      {searchable && results.isError && <Alert color="red">{privacyErrorText(results.error, t)}</Alert>}
      {searchable && results.isSuccess && candidates.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="privacy-log-no-match">
          {t('log.noMatch')}
        </Text>
      )}
      {candidates.length > 0 && (
        <ul className={classes.candidates}>
          {candidates.map((candidate) => (
            <li key={candidate.id}>
              <UnstyledButton className={classes.candidate} onClick={() => onPick(candidate)} data-testid="privacy-log-candidate" data-customer-id={candidate.id}>
                <span className={classes.pickedWho}>
                  <Text size="sm" fw={600} component="span" className={classes.ellipsis}>
                    {fullName(candidate)}
                  </Text>
                  <Text size="sm" c="dimmed" component="span" className={classes.ellipsis}>
                    {[candidate.email, candidate.phone].filter(Boolean).join(' · ')}
                  </Text>
                </span>
                <Text size="sm" c="blue.8" fw={600} component="span">
                  {t('log.pick')}
                </Text>
              </UnstyledButton>
            </li>
          ))}
        </ul>
      )}
    </Stack>
  );
}

/**
 * Logging a request that came in outside the product: what is asked, how it came in, who (an
 * optional customer), and the day it was received (today by default; the deadline counts from it).
 */
export function LogRequestModal({ zone, onClose }: { zone: string; onClose: () => void }) {
  const { t, i18n } = useTranslation(['privacy', 'admin']);
  const log = useLogRequest();
  // On a phone the form takes the whole screen: nothing hides below a centred box.
  const phone = useMediaQuery('(max-width: 600px)');
  // The person's own calendar day: the date input and "today" are theirs.
  const today = todayIn(Intl.DateTimeFormat().resolvedOptions().timeZone);
  const [kind, setKind] = useState<PrivacyKind>('access');
  const [channel, setChannel] = useState<LoggedChannel>('email');
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [received, setReceived] = useState(today);
  const [checked, setChecked] = useState(false);
  const dateProblem = received === '' ? t('log.required') : received > today ? t('log.future') : null;

  const submit = async () => {
    setChecked(true);
    if (dateProblem) return;
    const receivedAt = receivedAtFor(received, today);
    try {
      const created = await log.mutateAsync({ kind, channel, ...(customer ? { customer_id: customer.id } : {}), ...(receivedAt ? { received_at: receivedAt } : {}) });
      notifications.show({ color: 'green', message: t('log.done', { date: shortDate(created.due_at, zone, i18n.language) }) });
      onClose();
    } catch {
      // Shown below from the mutation's state.
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('log.title')} centered size="lg" fullScreen={phone} lockScroll={false} closeButtonProps={{ 'aria-label': t('close') }}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
        className={classes.form}
        data-testid="privacy-log-form"
      >
        <Stack gap="md">
          <Text size="sm">{t('log.intro')}</Text>
          <NativeSelect
            label={t('log.kind')}
            description={t(`kindHint.${kind}`)}
            data={KINDS.map((value) => ({ value, label: t(`kind.${value}`) }))}
            value={kind}
            onChange={(event) => setKind(event.currentTarget.value as PrivacyKind)}
            data-testid="privacy-log-kind"
          />
          <Radio.Group label={t('log.channel')} value={channel} onChange={(value) => setChannel(value as LoggedChannel)} data-testid="privacy-log-channel">
            <Group gap="md" mt={6}>
              {LOGGED_CHANNELS.map((value) => (
                <Radio key={value} value={value} label={t(`channelOption.${value}`)} data-testid={`privacy-log-channel-${value}`} />
              ))}
            </Group>
          </Radio.Group>
          <CustomerPicker picked={customer} onPick={setCustomer} />
          <DateField
            label={t('log.received')}
            description={t('log.receivedHint')}
            value={received}
            max={today}
            onChange={setReceived}
            error={checked ? dateProblem : null}
            className={classes.date}
            data-testid="privacy-log-received"
          />
          <ModalFooter problem={log.isError ? privacyErrorText(log.error, t, 'log') : null} problemTestId="privacy-log-error" backLabel={t('cancel')} onBack={onClose} gap="xs">
            <Button type="submit" loading={log.isPending} data-testid="privacy-log-submit">
              {t('log.submit')}
            </Button>
          </ModalFooter>
        </Stack>
      </form>
    </Modal>
  );
}
