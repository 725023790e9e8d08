import { Alert, Button, Group, List, Modal, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { customerFigures, fullName } from './customer-facts.ts';
import { customerErrorText } from './customer-errors.ts';
import classes from './customers.module.css';
import { useCustomerBookings, useEraseCustomer, type Customer, type DeletionReport } from './use-customers.ts';

/** The word to type before erasing, compared without case or surrounding spaces. */
function matches(typed: string, word: string): boolean {
  return typed.trim().toLocaleUpperCase() === word.toLocaleUpperCase();
}

/**
 * The erasure's confirmation: what goes, what stays by law, the future bookings it cancels, and a
 * word to type. A refusal is said in words; on success `onErased` gets the DeletionReport.
 */
export function EraseModal({ customer, onClose, onErased }: { customer: Customer; onClose: () => void; onErased: (report: DeletionReport) => void }) {
  const { t } = useTranslation(['customers', 'admin']);
  const erase = useEraseCustomer();
  const bookings = useCustomerBookings(customer.id);
  const [typed, setTyped] = useState('');
  const word = t('erase.word');
  const upcoming = (bookings.data?.items ?? []).filter((booking) => booking.status === 'confirmed' && Date.parse(booking.start_time) > Date.now()).length;
  const figures = customerFigures(bookings.data?.items ?? []);

  const run = async () => {
    if (!matches(typed, word)) return;
    try {
      onErased(await erase.mutateAsync(customer.id));
    } catch {
      // Shown below from the mutation's state.
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('erase.title', { name: fullName(customer) })} centered lockScroll={false} closeButtonProps={{ 'aria-label': t('close') }}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void run();
        }}
      >
        <Stack gap="md">
          <Text size="sm">{t('erase.intro')}</Text>
          <List size="sm" spacing={4}>
            <List.Item>{t('erase.goes')}</List.Item>
            <List.Item>{t('erase.stays', { count: figures.bookings })}</List.Item>
            {upcoming > 0 && (
              <List.Item>
                <Text size="sm" fw={700} component="span" data-testid="erase-upcoming">
                  {t('erase.cancels', { count: upcoming })}
                </Text>
              </List.Item>
            )}
            <List.Item>{t('erase.exportFirst')}</List.Item>
          </List>
          <TextInput
            label={t('erase.typeLabel', { word })}
            value={typed}
            onChange={(event) => setTyped(event.currentTarget.value)}
            autoComplete="off"
            data-autofocus
            data-testid="erase-word"
          />
          {erase.isError && (
            <Alert color="red" role="alert" data-testid="erase-error">
              {customerErrorText(erase.error, t, 'erase')}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('cancel')}
            </Button>
            <Button type="submit" color="red" disabled={!matches(typed, word)} loading={erase.isPending} data-testid="erase-confirm">
              {t('erase.confirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function tableLabel(t: ReturnType<typeof useTranslation<['customers', 'admin']>>['t'], table: string): string {
  return t(`report.table.${table.replace(/\./g, '_')}`, { defaultValue: table });
}

/** Why a table is kept, in the page's language when we know the table; the server's own words otherwise. */
function retentionReason(t: ReturnType<typeof useTranslation<['customers', 'admin']>>['t'], table: string, serverText: string): string {
  const key = `report.reason.${table.replace(/\./g, '_')}`;
  const count = Number(/\((\d+) (?:future bookings|open intents) cancelled\)/.exec(serverText)?.[1] ?? 0);
  if (!t(key, { count, defaultValue: '' })) return serverText;
  return t(key, { count });
}

/** The erasure's report as the API answered it: what was deleted or anonymised, and what the law keeps until when. */
export function ErasureReport({ report, name }: { report: DeletionReport; name: string }) {
  const { t, i18n } = useTranslation(['customers', 'admin']);
  const date = (instant: string) => new Intl.DateTimeFormat(i18n.language, { day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(instant));
  const deleted = report.deleted_records.filter((record) => record.count > 0);
  return (
    <Stack gap="lg" data-testid="erasure-report">
      <Stack gap={4}>
        <Title order={1} size="h2">
          {t('report.title')}
        </Title>
        <Text>{t('report.intro', { name, date: date(report.deletion_date) })}</Text>
        <Text size="sm" c="dimmed">
          {t('report.reference', { id: report.user_id })}
        </Text>
      </Stack>
      <Paper withBorder radius="md" p="md" component="section" aria-labelledby="report-deleted">
        <Title order={2} size="h4" id="report-deleted" mb="sm">
          {t('report.deleted')}
        </Title>
        {deleted.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('report.nothingDeleted')}
          </Text>
        ) : (
          <table className={classes.report} data-testid="report-deleted">
            <thead>
              <tr>
                <th scope="col">{t('report.what')}</th>
                <th scope="col">{t('report.how')}</th>
                <th scope="col" className={classes.count}>
                  {t('report.count')}
                </th>
              </tr>
            </thead>
            <tbody>
              {deleted.map((record) => (
                <tr key={record.table}>
                  <td>{tableLabel(t, record.table)}</td>
                  <td>{record.anonymized ? t('report.anonymized') : t('report.removed')}</td>
                  <td className={classes.count}>{record.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Paper>
      <Paper withBorder radius="md" p="md" component="section" aria-labelledby="report-retained">
        <Title order={2} size="h4" id="report-retained" mb="sm">
          {t('report.retained')}
        </Title>
        {report.retained_records.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('report.nothingRetained')}
          </Text>
        ) : (
          <ul className={classes.consents} data-testid="report-retained">
            {report.retained_records.map((record) => (
              <li key={record.table} className={classes.consent}>
                <Stack gap={2} miw={0}>
                  <Text fw={600} size="sm">
                    {tableLabel(t, record.table)}
                  </Text>
                  <Text size="sm">{retentionReason(t, record.table, record.retention_reason)}</Text>
                  <Text size="sm" c="dimmed">
                    {t('report.until', { date: date(record.deletion_scheduled) })}
                  </Text>
                </Stack>
                <Text size="sm" className={classes.mono}>
                  {t('report.records', { count: record.count })}
                </Text>
              </li>
            ))}
          </ul>
        )}
      </Paper>
      <Group>
        <Button component={Link} to="/admin/customers" data-testid="report-back">
          {t('report.back')}
        </Button>
      </Group>
    </Stack>
  );
}
