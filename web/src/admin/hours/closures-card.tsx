import { ActionIcon, Alert, Button, Group, Paper, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { hoursErrorText } from './format.ts';
import classes from './hours.module.css';
import { addDays, dateWords, daysBetween } from './recurrence.ts';
import { useAddClosures, useClosures, useRemoveClosure, type Location } from './use-hours.ts';
import { DateField } from '../ui/date-field.tsx';

const MAX_RANGE_DAYS = 62;

function TrashIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d="M4 7h16M10 11v6M14 11v6M5 7l1 12a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2l1-12M9 7V4h6v3" />
    </svg>
  );
}

export { TrashIcon };

/** The location's closures and holidays: the coming ones, add a day or a range with a reason, reopen a day. */
export function ClosuresCard({ location, today, canEdit }: { location: Location; today: string; canEdit: boolean }) {
  const { t, i18n } = useTranslation(['hours', 'admin']);
  const closures = useClosures(location.id, today);
  const add = useAddClosures();
  const remove = useRemoveClosure();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ from?: string; to?: string }>({});
  const [message, setMessage] = useState<{ tone: 'done' | 'error'; text: string } | null>(null);
  const language = i18n.language;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    const found: { from?: string; to?: string } = {};
    if (!from) found.from = t('exceptions.pickDate');
    else if (from < today) found.from = t('exceptions.past');
    const last = to || from;
    if (from && to && to < from) found.to = t('exceptions.pickUntil');
    else if (from && daysBetween(from, last) >= MAX_RANGE_DAYS) found.to = t('exceptions.tooMany', { max: MAX_RANGE_DAYS });
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const closed = new Set((closures.data ?? []).map((closure) => closure.closure_date));
    const dates: string[] = [];
    for (let date = from; date <= last; date = addDays(date, 1)) if (!closed.has(date)) dates.push(date);
    if (dates.length === 0) {
      setMessage({ tone: 'error', text: t('closures.already') });
      return;
    }
    try {
      await add.mutateAsync({ locationId: location.id, dates, reason: reason.trim() });
      setMessage({ tone: 'done', text: t('closures.added', { count: dates.length, first: dateWords(dates[0] ?? from, language), last: dateWords(dates.at(-1) ?? from, language) }) });
      setFrom('');
      setTo('');
      setReason('');
    } catch (error) {
      setMessage({ tone: 'error', text: hoursErrorText(error, t) });
    }
  };

  const onRemove = async (closureId: string, date: string) => {
    setMessage(null);
    try {
      await remove.mutateAsync({ locationId: location.id, closureId });
      setMessage({ tone: 'done', text: t('closures.removed', { date: dateWords(date, language) }) });
    } catch (error) {
      setMessage({ tone: 'error', text: hoursErrorText(error, t) });
    }
  };

  const list = [...(closures.data ?? [])].sort((a, b) => a.closure_date.localeCompare(b.closure_date));
  return (
    <Paper withBorder radius="md" p="lg" data-testid="closures-card">
      <Stack gap="md">
        <div>
          <Title order={2} size="h4">
            {t('closures.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('closures.help')}
          </Text>
        </div>
        {closures.isPending ? (
          <Skeleton h={64} />
        ) : closures.isError ? (
          <Alert color="red">{hoursErrorText(closures.error, t)}</Alert>
        ) : list.length === 0 ? (
          <Text size="sm" data-testid="closures-empty">
            {t('closures.empty')}
          </Text>
        ) : (
          <ul className={classes.list} data-testid="closures-list">
            {list.map((closure) => (
              <li key={closure.id} className={classes.listRow} data-testid="closure-row" data-date={closure.closure_date}>
                <div className={classes.listText}>
                  <Text fw={600} size="sm">
                    {dateWords(closure.closure_date, language)}
                  </Text>
                  {closure.reason && (
                    <Text size="sm" c="dimmed">
                      {closure.reason}
                    </Text>
                  )}
                </div>
                {canEdit && (
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    size="lg"
                    aria-label={t('closures.remove', { date: dateWords(closure.closure_date, language) })}
                    onClick={() => void onRemove(closure.id, closure.closure_date)}
                    loading={remove.isPending && remove.variables.closureId === closure.id}
                    data-testid="closure-remove"
                  >
                    <TrashIcon />
                  </ActionIcon>
                )}
              </li>
            ))}
          </ul>
        )}
        {message && (
          <Alert color={message.tone === 'done' ? 'green' : 'red'} role={message.tone === 'done' ? 'status' : 'alert'} data-testid={message.tone === 'done' ? 'closures-done' : 'closures-error'}>
            {message.text}
          </Alert>
        )}
        {canEdit && (
          <form onSubmit={submit} noValidate data-testid="closure-form" className={classes.subForm}>
            <Text fw={600} size="sm">
              {t('closures.add')}
            </Text>
            <div className={classes.fieldRow}>
              <DateField className={classes.date} label={t('closures.from')} min={today} value={from} onChange={setFrom} error={errors.from} data-testid="closure-from" />
              <DateField
                className={classes.date}
                clearable
                label={t('closures.to')}
                min={from || today}
                value={to}
                onChange={setTo}
                error={errors.to}
                data-testid="closure-to"
              />
              <TextInput className={classes.grow} label={t('closures.reason')} placeholder={t('closures.reasonPlaceholder')} maxLength={255} value={reason} onChange={(event) => setReason(event.currentTarget.value)} data-testid="closure-reason" />
            </div>
            <Text size="xs" c="dimmed">
              {t('closures.toHint')}
            </Text>
            <Group>
              <Button type="submit" variant="light" loading={add.isPending} data-testid="closure-submit">
                {t('closures.submit')}
              </Button>
            </Group>
          </form>
        )}
      </Stack>
    </Paper>
  );
}
