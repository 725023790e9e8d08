import { ActionIcon, Alert, Button, Code, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ToneBadge, type Tone } from '../ui/tone-badge.tsx';
import { TrashIcon } from './closures-card.tsx';
import { datesList, ExceptionForm, ruleWords } from './exception-form.tsx';
import { hoursErrorText, rangeLabel } from './format.ts';
import classes from './hours.module.css';
import { dateWords, parseRule, splitReason } from './recurrence.ts';
import { useExceptions, useRemoveExceptions, type Resource, type ScheduleException } from './use-hours.ts';

const TONE: Record<string, Tone> = { unavailable: 'warning', holiday: 'info', custom_hours: 'neutral' };

/** One line of the list: a single date, or every date of a series (same rule tag and kind). */
interface Entry {
  key: string;
  rule: string | null;
  text: string;
  type: ScheduleException['type'];
  items: ScheduleException[];
}

function entriesOf(exceptions: readonly ScheduleException[]): Entry[] {
  const entries = new Map<string, Entry>();
  for (const exception of [...exceptions].sort((a, b) => a.exception_date.localeCompare(b.exception_date))) {
    const { text, rule } = splitReason(exception.reason);
    const key = rule ? `${exception.type}|${exception.reason ?? ''}|${JSON.stringify(exception.custom_hours)}` : exception.id;
    const entry = entries.get(key) ?? { key, rule, text, type: exception.type, items: [] };
    entry.items.push(exception);
    entries.set(key, entry);
  }
  return [...entries.values()];
}

/** The resource's coming days off and special hours (single dates and repeating series), add and remove. */
export function ExceptionsCard({ resource, today, canEdit }: { resource: Resource; today: string; canEdit: boolean }) {
  const { t, i18n } = useTranslation(['hours', 'admin']);
  const language = i18n.language;
  const exceptions = useExceptions(resource.id, today);
  const remove = useRemoveExceptions();
  const [adding, setAdding] = useState(false);
  const [message, setMessage] = useState<{ tone: 'done' | 'error'; text: string } | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  /** A series asks once more before all its dates go. */
  const [confirming, setConfirming] = useState<string | null>(null);

  const onRemove = async (entry: Entry) => {
    setMessage(null);
    if (entry.items.length > 1 && confirming !== entry.key) {
      setConfirming(entry.key);
      return;
    }
    setConfirming(null);
    setRemoving(entry.key);
    try {
      await remove.mutateAsync(entry.items.map((item) => item.id));
      setMessage({ tone: 'done', text: t('exceptions.removed') });
    } catch (error) {
      setMessage({ tone: 'error', text: hoursErrorText(error, t) });
    } finally {
      setRemoving(null);
    }
  };

  const entries = entriesOf(exceptions.data ?? []);
  return (
    <Paper withBorder radius="md" p="lg" data-testid="exceptions-card">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" gap="xs">
          <div className={classes.headText}>
            <Title order={2} size="h4">
              {t('exceptions.title')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('exceptions.help')}
            </Text>
          </div>
          {canEdit && (
            <Button variant="light" onClick={() => setAdding(true)} data-testid="exception-add">
              {t('exceptions.add')}
            </Button>
          )}
        </Group>
        {message && (
          <Alert color={message.tone === 'done' ? 'green' : 'red'} role={message.tone === 'done' ? 'status' : 'alert'} data-testid={message.tone === 'done' ? 'exceptions-done' : 'exceptions-error'}>
            {message.text}
          </Alert>
        )}
        {exceptions.isPending ? (
          <Skeleton h={64} />
        ) : exceptions.isError ? (
          <Alert color="red">{hoursErrorText(exceptions.error, t)}</Alert>
        ) : entries.length === 0 ? (
          <Text size="sm" data-testid="exceptions-empty">
            {t('exceptions.empty')}
          </Text>
        ) : (
          <ul className={classes.list} data-testid="exceptions-list">
            {entries.map((entry) => {
              const first = entry.items[0];
              const parsed = entry.rule ? parseRule(entry.rule) : null;
              const hours = (first?.custom_hours ?? []).map((range) => rangeLabel(range, language)).join(', ');
              return (
                <li key={entry.key} className={classes.listRow} data-testid={entry.rule ? 'exception-series' : 'exception-row'} data-date={first?.exception_date} data-count={entry.items.length}>
                  <div className={classes.listText}>
                    <Group gap={8} wrap="wrap">
                      <ToneBadge tone={TONE[entry.type] ?? 'neutral'}>{t(`exceptions.kinds.${entry.type}`)}</ToneBadge>
                      <Text fw={600} size="sm">
                        {parsed && first ? ruleWords({ ...parsed, start: first.exception_date }, t, language) : first ? dateWords(first.exception_date, language) : ''}
                      </Text>
                    </Group>
                    {(hours || entry.text) && (
                      <Text size="sm" c="dimmed">
                        {[hours, entry.text].filter(Boolean).join(' · ')}
                      </Text>
                    )}
                    {entry.rule && (
                      <>
                        <Text size="sm">{t('exceptions.next', { list: datesList(entry.items.map((item) => item.exception_date), language, t, 4) })}</Text>
                        <Code className={classes.rrule}>{entry.rule}</Code>
                      </>
                    )}
                  </div>
                  {canEdit &&
                    (entry.rule ? (
                      <Group gap={4} wrap="nowrap">
                        {confirming === entry.key && (
                          <Button variant="subtle" color="gray" size="compact-sm" onClick={() => setConfirming(null)}>
                            {t('exceptions.keep')}
                          </Button>
                        )}
                        <Button
                          variant={confirming === entry.key ? 'filled' : 'subtle'}
                          color="red"
                          size="compact-sm"
                          onClick={() => void onRemove(entry)}
                          loading={removing === entry.key}
                          data-testid="exception-remove"
                        >
                          {confirming === entry.key ? t('exceptions.confirmRemove', { count: entry.items.length }) : t('exceptions.removeSeries', { count: entry.items.length })}
                        </Button>
                      </Group>
                    ) : (
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        size="lg"
                        aria-label={`${t('exceptions.remove')}: ${first ? dateWords(first.exception_date, language) : ''}`}
                        onClick={() => void onRemove(entry)}
                        loading={removing === entry.key}
                        data-testid="exception-remove"
                      >
                        <TrashIcon />
                      </ActionIcon>
                    ))}
                </li>
              );
            })}
          </ul>
        )}
      </Stack>
      {adding && (
        <ExceptionForm
          resource={resource}
          today={today}
          onClose={() => setAdding(false)}
          onDone={(text) => {
            setAdding(false);
            setMessage({ tone: 'done', text });
          }}
        />
      )}
    </Paper>
  );
}
