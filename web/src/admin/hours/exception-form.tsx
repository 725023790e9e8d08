import { ActionIcon, Alert, Button, Chip, Code, Group, Modal, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { TrashIcon } from './closures-card.tsx';
import { hoursErrorText } from './format.ts';
import classes from './hours.module.css';
import { addDays, dateWords, daysBetween, MAX_OCCURRENCES, MAX_SPAN_DAYS, occurrences, ruleOf, taggedReason, weekdayName, type Ordinal, type RecurrenceForm } from './recurrence.ts';
import { useAddExceptions, type Resource } from './use-hours.ts';
import { newKey, weekIssues, WEEKDAYS, type Block } from './week-model.ts';
import { DateField } from '../ui/date-field.tsx';

/** A rule of this screen in words: "Every other week on Friday, from 11 Dec 2026 to 11 Jun 2027". */
export function ruleWords(form: Omit<RecurrenceForm, 'start'> & { start: string }, t: TFunction<['hours', 'admin']>, language: string): string {
  let rule: string;
  if (form.frequency === 'monthly') {
    rule = t('exceptions.words.monthly', { ordinal: t(`exceptions.words.ordinals.${form.ordinal}`), day: weekdayName(form.weekday, language) });
  } else {
    const days = new Intl.ListFormat(language, { type: 'conjunction' }).format([...form.days].sort((a, b) => a - b).map((day) => weekdayName(day, language)));
    const key = form.interval === 1 ? 'weekly_1' : form.interval === 2 ? 'weekly_2' : 'weekly_n';
    rule = t(`exceptions.words.${key}`, { days, count: form.interval });
  }
  return t('exceptions.words.period', { rule, from: dateWords(form.start, language, false), until: dateWords(form.until, language, false) });
}

/** "11 dic, 25 dic, 8 ene y 10 más". */
export function datesList(dates: readonly string[], language: string, t: TFunction<['hours', 'admin']>, shown = 5): string {
  const words = dates.slice(0, shown).map((date) => new Intl.DateTimeFormat(language, { timeZone: 'UTC', day: 'numeric', month: 'short' }).format(new Date(`${date}T00:00:00Z`)));
  const list = new Intl.ListFormat(language, { type: 'conjunction', style: 'short' }).format(words);
  return dates.length > shown ? t('exceptions.more', { list: words.join(', '), count: dates.length - shown }) : list;
}

interface Props {
  resource: Resource;
  today: string;
  onClose: () => void;
  onDone: (text: string) => void;
}

/** A day off or different hours for one resource: one date, or a repeating rule (RRULE) made from a friendly form. */
export function ExceptionForm({ resource, today, onClose, onDone }: Props) {
  const { t, i18n } = useTranslation(['hours', 'admin']);
  const language = i18n.language;
  const add = useAddExceptions();
  const [mode, setMode] = useState<'once' | 'repeat'>('once');
  const [date, setDate] = useState('');
  const [kind, setKind] = useState<'unavailable' | 'custom_hours'>('unavailable');
  const [hours, setHours] = useState<Block[]>([{ key: newKey(), start: '10:00', end: '14:00', breaks: [] }]);
  const [reason, setReason] = useState('');
  const [rule, setRule] = useState<RecurrenceForm>({ frequency: 'weekly', interval: 2, days: [5], ordinal: 1, weekday: 1, start: today, until: addDays(today, 182) });
  const [tried, setTried] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const dates = mode === 'once' ? (date ? [date] : []) : occurrences(rule);
  const hourIssues = kind === 'custom_hours' ? weekIssues({ 1: hours }) : new Map();
  const problems: Record<string, string> = {};
  if (mode === 'once') {
    if (!date) problems.date = t('exceptions.pickDate');
    else if (date < today) problems.date = t('exceptions.past');
  } else {
    if (rule.frequency === 'weekly' && rule.days.length === 0) problems.days = t('exceptions.pickDays');
    if (!rule.start) problems.start = t('exceptions.pickDate');
    else if (rule.start < today) problems.start = t('exceptions.past');
    if (!rule.until || rule.until < rule.start) problems.until = t('exceptions.pickUntil');
    else if (daysBetween(rule.start, rule.until) > MAX_SPAN_DAYS) problems.until = t('exceptions.tooLong');
    else if (dates.length > MAX_OCCURRENCES) problems.until = t('exceptions.tooMany', { max: MAX_OCCURRENCES });
    else if (dates.length === 0 && !problems.days) problems.until = t('exceptions.none');
  }
  const shown = (field: string) => (tried || field === 'until' || field === 'days' ? problems[field] : undefined);
  const setRuleField = <K extends keyof RecurrenceForm>(field: K, value: RecurrenceForm[K]) => setRule((current) => ({ ...current, [field]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    setFailure(null);
    if (Object.keys(problems).length > 0 || hourIssues.size > 0) return;
    const text = mode === 'repeat' ? taggedReason(reason, ruleOf(rule)) : reason.trim();
    try {
      await add.mutateAsync({
        resourceId: resource.id,
        dates,
        draft: { type: kind, hours: hours.map((block) => ({ start: block.start, end: block.end === '00:00' ? '24:00' : block.end })), reason: text },
      });
      onDone(t('exceptions.added', { count: dates.length, first: dateWords(dates[0] ?? today, language) }));
    } catch (error) {
      setFailure(hoursErrorText(error, t));
    }
  };

  const weekdayOptions = WEEKDAYS.map((day) => ({ value: String(day), label: weekdayName(day, language) }));
  return (
    <Modal opened onClose={onClose} title={t('exceptions.formTitle', { name: resource.name })} centered lockScroll={false} size="lg" closeButtonProps={{ 'aria-label': t('exceptions.cancel') }}>
      <form onSubmit={submit} noValidate data-testid="exception-form">
        <Stack gap="md">
          <SegmentedControl
            fullWidth
            aria-label={t('exceptions.mode')}
            value={mode}
            onChange={(value) => setMode(value as 'once' | 'repeat')}
            data={[
              { value: 'once', label: t('exceptions.once') },
              { value: 'repeat', label: t('exceptions.repeat') },
            ]}
            data-testid="exception-mode"
          />
          {mode === 'once' ? (
            <DateField className={classes.date} label={t('exceptions.date')} min={today} value={date} onChange={setDate} error={shown('date')} data-testid="exception-date" />
          ) : (
            <Stack gap="sm" data-testid="exception-rule">
              <SegmentedControl
                aria-label={t('exceptions.frequency')}
                value={rule.frequency}
                onChange={(value) => setRuleField('frequency', value as RecurrenceForm['frequency'])}
                data={[
                  { value: 'weekly', label: t('exceptions.weekly') },
                  { value: 'monthly', label: t('exceptions.monthly') },
                ]}
                data-testid="exception-frequency"
              />
              {rule.frequency === 'weekly' ? (
                <>
                  <Select
                    label={t('exceptions.interval')}
                    value={String(rule.interval)}
                    onChange={(value) => setRuleField('interval', Number(value ?? '1'))}
                    data={[1, 2, 3, 4].map((count) => ({ value: String(count), label: t(`exceptions.every_${count}`) }))}
                    allowDeselect={false}
                    comboboxProps={{ withinPortal: true }}
                    data-testid="exception-interval"
                  />
                  <div role="group" aria-label={t('exceptions.onDays')}>
                    <Text size="sm" fw={500} mb={4}>
                      {t('exceptions.onDays')}
                    </Text>
                    <Chip.Group multiple value={rule.days.map(String)} onChange={(values) => setRuleField('days', values.map(Number))}>
                      <Group gap={6}>
                        {WEEKDAYS.map((day) => (
                          <Chip key={day} value={String(day)} size="sm" data-testid="exception-day" data-day={day}>
                            {weekdayName(day, language, 'short')}
                          </Chip>
                        ))}
                      </Group>
                    </Chip.Group>
                    {shown('days') && (
                      <Text size="sm" c="red.8" mt={4}>
                        {shown('days')}
                      </Text>
                    )}
                  </div>
                </>
              ) : (
                <div className={classes.fieldRow}>
                  <Select
                    className={classes.grow}
                    label={t('exceptions.ordinal')}
                    value={String(rule.ordinal)}
                    onChange={(value) => setRuleField('ordinal', Number(value ?? '1') as Ordinal)}
                    data={['1', '2', '3', '4', '-1'].map((value) => ({ value, label: t(`exceptions.ordinals.${value}`) }))}
                    allowDeselect={false}
                    comboboxProps={{ withinPortal: true }}
                    data-testid="exception-ordinal"
                  />
                  <Select
                    className={classes.grow}
                    label={t('exceptions.weekday')}
                    value={String(rule.weekday)}
                    onChange={(value) => setRuleField('weekday', Number(value ?? '1'))}
                    data={weekdayOptions}
                    allowDeselect={false}
                    comboboxProps={{ withinPortal: true }}
                    data-testid="exception-weekday"
                  />
                </div>
              )}
              <div className={classes.fieldRow}>
                <DateField className={classes.date} label={t('exceptions.start')} min={today} value={rule.start} onChange={(value) => setRuleField('start', value)} error={shown('start')} data-testid="exception-start" />
                <DateField className={classes.date} clearable label={t('exceptions.until')} min={rule.start} value={rule.until} onChange={(value) => setRuleField('until', value)} error={shown('until')} data-testid="exception-until" />
              </div>
              {!problems.until && !problems.days && !problems.start && (
                <div className={classes.preview} data-testid="exception-preview">
                  <Text size="sm" fw={600} data-testid="exception-words">
                    {ruleWords({ ...rule, start: dates[0] ?? rule.start }, t, language)}
                  </Text>
                  <Text size="sm" data-testid="exception-dates">
                    {t('exceptions.dates', { count: dates.length, list: datesList(dates, language, t) })}
                  </Text>
                  <Code className={classes.rrule} data-testid="exception-rrule">
                    {ruleOf(rule)}
                  </Code>
                </div>
              )}
            </Stack>
          )}
          <SegmentedControl
            aria-label={t('exceptions.kind')}
            value={kind}
            onChange={(value) => setKind(value as typeof kind)}
            data={[
              { value: 'unavailable', label: t('exceptions.dayOff') },
              { value: 'custom_hours', label: t('exceptions.changed') },
            ]}
            data-testid="exception-kind"
          />
          {kind === 'custom_hours' && (
            <Stack gap={6}>
              <Text size="sm" fw={500}>
                {t('exceptions.hours')}
              </Text>
              {hours.map((block, index) => (
                <div key={block.key} className={classes.timeRow}>
                  <TextInput
                    type="time"
                    step={300}
                    className={classes.time}
                    aria-label={`${t('exceptions.hours')} ${index + 1}, ${t('week.from')}`}
                    value={block.start}
                    onChange={(event) => {
                      const value = event.currentTarget.value;
                      setHours((current) => current.map((item) => (item.key === block.key ? { ...item, start: value } : item)));
                    }}
                    error={hourIssues.get(`1.${index}.start`) && (tried || hourIssues.get(`1.${index}.start`) !== 'required') ? t(`week.issues.${hourIssues.get(`1.${index}.start`)}`) : undefined}
                    data-testid="exception-hours-start"
                  />
                  <span className={classes.dash} aria-hidden="true">
                    –
                  </span>
                  <TextInput
                    type="time"
                    step={300}
                    className={classes.time}
                    aria-label={`${t('exceptions.hours')} ${index + 1}, ${t('week.to')}`}
                    value={block.end}
                    onChange={(event) => {
                      const value = event.currentTarget.value;
                      setHours((current) => current.map((item) => (item.key === block.key ? { ...item, end: value } : item)));
                    }}
                    error={hourIssues.get(`1.${index}.end`) && (tried || hourIssues.get(`1.${index}.end`) !== 'required') ? t(`week.issues.${hourIssues.get(`1.${index}.end`)}`) : undefined}
                    data-testid="exception-hours-end"
                  />
                  {hours.length > 1 && (
                    <ActionIcon variant="subtle" color="red" size="lg" aria-label={`${t('exceptions.removeRange')} ${index + 1}`} onClick={() => setHours((current) => current.filter((item) => item.key !== block.key))}>
                      <TrashIcon />
                    </ActionIcon>
                  )}
                </div>
              ))}
              <Group>
                <Button variant="subtle" size="compact-sm" onClick={() => setHours((current) => [...current, { key: newKey(), start: '16:00', end: '18:00', breaks: [] }])}>
                  {t('exceptions.addRange')}
                </Button>
              </Group>
            </Stack>
          )}
          <TextInput label={t('exceptions.reason')} placeholder={t('exceptions.reasonPlaceholder')} maxLength={180} value={reason} onChange={(event) => setReason(event.currentTarget.value)} data-testid="exception-reason" />
          {failure && (
            <Alert color="red" role="alert" data-testid="exception-error">
              {failure}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              {t('exceptions.cancel')}
            </Button>
            <Button type="submit" loading={add.isPending} data-testid="exception-submit">
              {t('exceptions.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
