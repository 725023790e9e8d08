import { ActionIcon, Alert, Button, Group, Paper, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TrashIcon } from './closures-card.tsx';
import { hoursErrorText } from './format.ts';
import classes from './hours.module.css';
import { weekdayName } from './recurrence.ts';
import { useSaveWeek, type Resource, type Schedule } from './use-hours.ts';
import {
  copyMondayToWeekdays,
  dayWallRanges,
  minutesOf,
  newBlock,
  newBreak,
  sameWeek,
  slotsFromWeek,
  WEEKDAYS,
  weekFromSlots,
  weekIssues,
  type Block,
  type Week,
} from './week-model.ts';

interface Props {
  resource: Resource;
  /** The resource's weekly schedule (no rule, no end), or null when it has none yet. */
  schedule: Schedule | null;
  today: string;
  canEdit: boolean;
}

function weeklyHours(week: Week): number {
  let minutes = 0;
  for (const day of WEEKDAYS) for (const range of dayWallRanges(week[day] ?? [])) minutes += (minutesOf(range.end, true) ?? 0) - (minutesOf(range.start) ?? 0);
  return Math.round((minutes / 60) * 10) / 10;
}

/**
 * The weekly hours of one resource: per weekday one or more blocks with breaks inside, checked as
 * typed (inverted, overlapping, breaks outside their block) and only sent when valid.
 */
export function WeekEditor({ resource, schedule, today, canEdit }: Props) {
  const { t, i18n } = useTranslation(['hours', 'admin']);
  const language = i18n.language;
  const initial = () => (schedule && schedule.is_active ? weekFromSlots(schedule.time_slots) : weekFromSlots([]));
  const [saved, setSaved] = useState<Week>(initial);
  const [week, setWeek] = useState<Week>(saved);
  const [tried, setTried] = useState(false);
  const [message, setMessage] = useState<{ tone: 'done' | 'error'; text: string } | null>(null);
  const save = useSaveWeek();
  const issues = weekIssues(week);
  // Edited at all (a copy of equal hours counts: the person may still want to save it).
  const dirty = week !== saved && (JSON.stringify(week) !== JSON.stringify(saved) || !sameWeek(week, saved));

  const update = (day: number, blocks: Block[]) => {
    setMessage(null);
    setWeek((current) => ({ ...current, [day]: blocks }));
  };
  const issueText = (path: string): string | undefined => {
    const code = issues.get(path);
    // Missing times show once the person tried to save; contradictions show at once.
    if (!code || (code === 'required' && !tried)) return undefined;
    return t(`week.issues.${code}`);
  };

  const submit = async () => {
    setTried(true);
    setMessage(null);
    if (issues.size > 0) {
      setMessage({ tone: 'error', text: t('week.fix', { count: issues.size }) });
      return;
    }
    try {
      await save.mutateAsync({ resourceId: resource.id, schedule, slots: slotsFromWeek(week), name: t('week.defaultName'), startDate: today });
      setSaved(week);
      setTried(false);
      setMessage({ tone: 'done', text: t('week.saved') });
    } catch (error) {
      setMessage({ tone: 'error', text: hoursErrorText(error, t) });
    }
  };

  const total = weeklyHours(week);
  return (
    <Paper withBorder radius="md" data-testid="week-editor" data-resource-id={resource.id}>
      <div className={classes.cardBody}>
        <Group justify="space-between" align="flex-start" gap="xs">
          <div>
            <Title order={2} size="h4">
              {t('week.title')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('week.help')}
            </Text>
          </div>
          <Text size="sm" fw={600} data-testid="week-total">
            {t('week.summary', { hours: total.toLocaleString(language) })}
          </Text>
        </Group>
        {canEdit && (
          <Group gap="xs" mt="sm">
            <Button variant="default" size="xs" onClick={() => setWeek(copyMondayToWeekdays(week))} disabled={(week[1] ?? []).length === 0} data-testid="week-copy-monday">
              {t('week.copyMonday')}
            </Button>
          </Group>
        )}
        <div className={classes.days}>
          {WEEKDAYS.map((day) => {
            const blocks = week[day] ?? [];
            const dayName = weekdayName(day, language);
            return (
              <section key={day} className={classes.day} data-testid="week-day" data-day={day} aria-label={dayName}>
                <Text fw={600} className={classes.dayName}>
                  {dayName}
                </Text>
                <div className={classes.blocks}>
                  {blocks.length === 0 && (
                    <Text size="sm" c="dimmed" className={classes.closedDay} data-testid="week-day-closed">
                      {t('week.closed')}
                    </Text>
                  )}
                  {blocks.map((block, index) => (
                    <div key={block.key} className={classes.block} data-testid="week-block">
                      <div className={classes.timeRow}>
                        <TextInput
                          type="time"
                          step={300}
                          className={classes.time}
                          aria-label={t('week.startOf', { day: dayName, n: index + 1 })}
                          value={block.start}
                          readOnly={!canEdit}
                          onChange={(event) => update(day, blocks.map((other) => (other.key === block.key ? { ...other, start: event.currentTarget.value } : other)))}
                          error={issueText(`${day}.${index}.start`)}
                          data-testid="block-start"
                        />
                        <span className={classes.dash} aria-hidden="true">
                          –
                        </span>
                        <TextInput
                          type="time"
                          step={300}
                          className={classes.time}
                          aria-label={t('week.endOf', { day: dayName, n: index + 1 })}
                          value={block.end}
                          readOnly={!canEdit}
                          onChange={(event) => update(day, blocks.map((other) => (other.key === block.key ? { ...other, end: event.currentTarget.value } : other)))}
                          error={issueText(`${day}.${index}.end`)}
                          data-testid="block-end"
                        />
                        {canEdit && (
                          <div className={classes.rowActions}>
                            <Button
                              variant="subtle"
                              size="compact-sm"
                              onClick={() => update(day, blocks.map((other) => (other.key === block.key ? { ...other, breaks: [...other.breaks, newBreak(other)] } : other)))}
                              data-testid="block-add-break"
                            >
                              {t('week.addBreak')}
                            </Button>
                            <ActionIcon
                              variant="subtle"
                              color="red"
                              size="lg"
                              aria-label={`${t('week.removeBlock')} (${dayName} ${index + 1})`}
                              onClick={() => update(day, blocks.filter((other) => other.key !== block.key))}
                              data-testid="block-remove"
                            >
                              <TrashIcon />
                            </ActionIcon>
                          </div>
                        )}
                      </div>
                      {block.breaks.map((pause, breakIndex) => {
                        const path = `${day}.${index}.b${breakIndex}`;
                        const setBreak = (field: 'start' | 'end', value: string) =>
                          update(
                            day,
                            blocks.map((other) =>
                              other.key === block.key ? { ...other, breaks: other.breaks.map((item) => (item.key === pause.key ? { ...item, [field]: value } : item)) } : other,
                            ),
                          );
                        return (
                          <div key={pause.key} className={`${classes.timeRow} ${classes.breakRow}`} data-testid="week-break">
                            <Text size="sm" c="dimmed" className={classes.breakLabel}>
                              {t('week.break')}
                            </Text>
                            <TextInput
                              type="time"
                              step={300}
                              size="xs"
                              className={classes.time}
                              aria-label={t('week.breakStartOf', { day: dayName, n: breakIndex + 1 })}
                              value={pause.start}
                              readOnly={!canEdit}
                              onChange={(event) => setBreak('start', event.currentTarget.value)}
                              error={issueText(`${path}.start`)}
                              data-testid="break-start"
                            />
                            <span className={classes.dash} aria-hidden="true">
                              –
                            </span>
                            <TextInput
                              type="time"
                              step={300}
                              size="xs"
                              className={classes.time}
                              aria-label={t('week.breakEndOf', { day: dayName, n: breakIndex + 1 })}
                              value={pause.end}
                              readOnly={!canEdit}
                              onChange={(event) => setBreak('end', event.currentTarget.value)}
                              error={issueText(`${path}.end`)}
                              data-testid="break-end"
                            />
                            {canEdit && (
                              <ActionIcon
                                variant="subtle"
                                color="gray"
                                aria-label={`${t('week.removeBreak')} (${dayName} ${breakIndex + 1})`}
                                onClick={() => update(day, blocks.map((other) => (other.key === block.key ? { ...other, breaks: other.breaks.filter((item) => item.key !== pause.key) } : other)))}
                                data-testid="break-remove"
                              >
                                <TrashIcon />
                              </ActionIcon>
                            )}
                          </div>
                        );
                      })}
                    </div>
                  ))}
                  {canEdit && (
                    <Button variant="subtle" size="compact-sm" className={classes.addBlock} onClick={() => update(day, [...blocks, newBlock(blocks)])} data-testid="day-add-block">
                      {t('week.addBlock')}
                    </Button>
                  )}
                </div>
              </section>
            );
          })}
        </div>
        {total === 0 && (
          <Alert color="yellow" mt="md" data-testid="week-no-hours">
            {t('week.noHours', { name: resource.name })}
          </Alert>
        )}
      </div>
      {canEdit && (
        <div className={classes.cardFooter} data-dirty={dirty}>
          {message ? (
            <Text size="sm" c={message.tone === 'done' ? 'green.9' : 'red.8'} role={message.tone === 'done' ? 'status' : 'alert'} data-testid={message.tone === 'done' ? 'week-saved' : 'week-error'} className={classes.footerText}>
              {message.text}
            </Text>
          ) : (
            <Text size="sm" c="dimmed" className={classes.footerText}>
              {dirty ? t('week.unsaved') : ''}
            </Text>
          )}
          <Group gap="xs" wrap="nowrap">
            {dirty && (
              <Button
                variant="default"
                onClick={() => {
                  setWeek(saved);
                  setTried(false);
                  setMessage(null);
                }}
                data-testid="week-discard"
              >
                {t('week.discard')}
              </Button>
            )}
            <Button onClick={() => void submit()} loading={save.isPending} disabled={!dirty} data-testid="week-save">
              {t('week.save')}
            </Button>
          </Group>
        </div>
      )}
    </Paper>
  );
}
