import { Alert, Button, Group, List, Modal, Skeleton, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { customerFigures, customerSearchable, fullName } from './customer-facts.ts';
import { customerErrorText } from './customer-errors.ts';
import classes from './customers.module.css';
import { useCustomerBookings, useCustomerList, useMergeCustomers, type Customer, type MergeResult } from './use-customers.ts';

function PairCard({ customer, role }: { customer: Customer; role: 'survivor' | 'duplicate' }) {
  const { t } = useTranslation('customers');
  const bookings = useCustomerBookings(customer.id);
  return (
    <div className={classes.pairCard} data-role={role} data-testid={`merge-${role}`}>
      <p className={classes.pairRole}>{t(`merge.role.${role}`)}</p>
      <Text fw={600} className={classes.ellipsis}>
        {fullName(customer)}
      </Text>
      <Text size="sm" c="dimmed" className={classes.ellipsis}>
        {customer.email ?? t('merge.noEmail')}
      </Text>
      <Text size="sm" c="dimmed" className={classes.ellipsis}>
        {customer.phone ?? t('merge.noPhone')}
      </Text>
      <Text size="sm">{bookings.data ? t('list.bookings', { count: customerFigures(bookings.data.items).bookings }) : '…'}</Text>
    </div>
  );
}

/** What the merge will do, in words, before it is done. */
function MergeSummary({ survivor, duplicate }: { survivor: Customer; duplicate: Customer }) {
  const { t } = useTranslation('customers');
  const bookings = useCustomerBookings(duplicate.id);
  const count = bookings.data ? bookings.data.items.length : null;
  const clashes = (['first_name', 'last_name', 'email', 'phone'] as const).filter((field) => survivor[field] && duplicate[field] && survivor[field] !== duplicate[field]);
  return (
    <Stack gap="xs" data-testid="merge-summary">
      <Text size="sm" fw={600}>
        {t('merge.survives', { name: fullName(survivor) })}
      </Text>
      <List size="sm" spacing={4}>
        <List.Item>{count === null ? t('merge.movesBookingsUnknown') : t('merge.movesBookings', { count, name: fullName(duplicate) })}</List.Item>
        <List.Item>{t('merge.movesConsents')}</List.Item>
        <List.Item>{t('merge.fillsGaps')}</List.Item>
        {clashes.length > 0 && <List.Item>{t('merge.keepsSurvivor', { fields: clashes.map((field) => t(`contact.${field}`).toLocaleLowerCase()).join(', '), name: fullName(survivor) })}</List.Item>}
        <List.Item>{t('merge.notes')}</List.Item>
        <List.Item>{t('merge.disappears', { name: fullName(duplicate) })}</List.Item>
      </List>
      <Text size="sm" c="dimmed">
        {t('merge.irreversible')}
      </Text>
    </Stack>
  );
}

/**
 * Merging a duplicate: find the other record, see which one survives and what moves, swap if the
 * other should stay, then the API's merge. `onMerged` gets the result and the survivor's id.
 */
export function MergeModal({ current, onClose, onMerged }: { current: Customer; onClose: () => void; onMerged: (result: MergeResult) => void }) {
  const { t } = useTranslation(['customers', 'admin']);
  const [typed, setTyped] = useState('');
  const [search] = useDebouncedValue(typed.trim(), 300);
  const searchable = search !== '' && customerSearchable(search);
  const results = useCustomerList(searchable ? search : '');
  const [picked, setPicked] = useState<Customer | null>(null);
  const [swapped, setSwapped] = useState(false);
  const merge = useMergeCustomers();
  const candidates = searchable ? (results.data?.pages.flatMap((page) => page.items) ?? []).filter((customer) => customer.id !== current.id) : [];
  const survivor = picked && swapped ? picked : current;
  const duplicate = picked && swapped ? current : picked;

  const run = async () => {
    if (!duplicate) return;
    try {
      const result = await merge.mutateAsync({ survivorId: survivor.id, duplicateId: duplicate.id });
      onMerged(result);
    } catch {
      // Shown below from the mutation's state.
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('merge.title', { name: fullName(current) })} centered size="lg" lockScroll={false} closeButtonProps={{ 'aria-label': t('close') }}>
      {picked === null || duplicate === null ? (
        <Stack gap="sm">
          <Text size="sm">{t('merge.findIntro')}</Text>
          <TextInput
            type="search"
            label={t('merge.find')}
            description={t('merge.findHint')}
            value={typed}
            onChange={(event) => setTyped(event.currentTarget.value)}
            autoComplete="off"
            data-autofocus
            data-testid="merge-search"
          />
          {search !== '' && !searchable && (
            <Text size="sm" c="dimmed">
              {t('list.tooShort')}
            </Text>
          )}
          {searchable && results.isPending && <Skeleton height={56} />}
          {results.isError && searchable && <Alert color="red">{customerErrorText(results.error, t, 'search')}</Alert>}
          {searchable && results.isSuccess && candidates.length === 0 && (
            <Text size="sm" c="dimmed" data-testid="merge-no-results">
              {t('merge.noCandidates')}
            </Text>
          )}
          {candidates.length > 0 && (
            <ul className={classes.list}>
              {candidates.map((candidate) => (
                <li key={candidate.id}>
                  <UnstyledButton className={classes.row} onClick={() => setPicked(candidate)} data-testid="merge-candidate" data-customer-id={candidate.id}>
                    <span className={classes.who}>
                      <Text fw={600} component="span" className={classes.ellipsis}>
                        {fullName(candidate)}
                      </Text>
                      <Text size="sm" c="dimmed" component="span" className={classes.ellipsis}>
                        {[candidate.email, candidate.phone].filter(Boolean).join(' · ')}
                      </Text>
                    </span>
                    <Text size="sm" c="blue.8" fw={600} component="span">
                      {t('merge.pick')}
                    </Text>
                  </UnstyledButton>
                </li>
              ))}
            </ul>
          )}
        </Stack>
      ) : (
        <Stack gap="md">
          <div className={classes.pair}>
            <PairCard customer={survivor} role="survivor" />
            <PairCard customer={duplicate} role="duplicate" />
          </div>
          <Group justify="center">
            <Button variant="subtle" size="compact-sm" onClick={() => setSwapped((value) => !value)} data-testid="merge-swap">
              {t('merge.swap', { name: fullName(duplicate) })}
            </Button>
          </Group>
          <MergeSummary survivor={survivor} duplicate={duplicate} />
          {merge.isError && (
            <Alert color="red" role="alert" data-testid="merge-error">
              {customerErrorText(merge.error, t, 'merge')}
            </Alert>
          )}
          <Group justify="flex-end" gap="xs" className={classes.actions}>
            <Button variant="default" onClick={() => { setPicked(null); setSwapped(false); merge.reset(); }}>
              {t('merge.back')}
            </Button>
            <Button color="red" loading={merge.isPending} onClick={() => void run()} data-testid="merge-confirm">
              {t('merge.confirm', { name: fullName(survivor) })}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
