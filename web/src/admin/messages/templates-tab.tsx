import { Alert, Button, Group, NativeSelect, Paper, SegmentedControl, Skeleton, Stack, Text, Textarea, TextInput, Title, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { can, type Me } from '../session/use-session.ts';
import { errorText } from '../ui/error-text.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import { fieldError, messagesErrorText } from './message-errors.ts';
import classes from './messages.module.css';
import { smsLength } from './sms.ts';
import {
  useCatalogue,
  usePreview,
  useResetTemplate,
  useSaveTemplate,
  useTemplates,
  type CatalogueEntry,
  type Channel,
  type Language,
  type Template,
  type TemplateKey,
} from './use-messages.ts';

/** The messages a customer receives, in the order a booking meets them. */
export const CUSTOMER_KEYS: readonly TemplateKey[] = [
  'booking.confirmed',
  'booking.pending_payment',
  'booking.reminder',
  'booking.rescheduled',
  'booking.cancelled',
  'booking.completed',
  'booking.no_show',
  'payment.succeeded',
  'payment.failed',
  'payment.refunded',
  'waitlist.offer',
  'verification.code',
];
const CHANNELS: readonly Channel[] = ['email', 'sms', 'whatsapp'];
const LANGUAGES: readonly Language[] = ['es', 'en'];

function builtIn(entry: CatalogueEntry, channel: Channel, language: Language): { subject: string; body: string } {
  const texts = entry.defaults[language] ?? { subject: '', body: '', short: '' };
  return channel === 'email' ? { subject: texts.subject, body: texts.body } : { subject: '', body: texts.short };
}

function storedFor(templates: readonly Template[], key: string, channel: Channel, language: Language): Template | undefined {
  return templates.find((template) => template.event_type === key && template.channel === channel && template.language === language);
}

/**
 * The templates: the catalogue of messages (customised or built-in for the channel and language
 * chosen), and the editor of one with its preview beside it. Message, channel and language are in
 * the URL (`?event=booking.confirmed&channel=email&lang=es`).
 */
export function TemplatesTab({ me }: { me: Me }) {
  const { t, i18n } = useTranslation(['messages', 'admin']);
  const [params, setParams] = useSearchParams();
  const catalogue = useCatalogue();
  const templates = useTemplates();
  const [notice, setNotice] = useState<string | null>(null);
  const canEdit = can(me, 'manage', 'Notification') && !me.read_only;

  const entries = CUSTOMER_KEYS.map((key) => catalogue.data?.find((entry) => entry.event_type === key)).filter((entry): entry is CatalogueEntry => entry !== undefined);
  const entry = entries.find((candidate) => candidate.event_type === params.get('event')) ?? entries[0];
  const channel = CHANNELS.find((candidate) => candidate === params.get('channel')) ?? 'email';
  const fallbackLanguage: Language = i18n.language.startsWith('en') ? 'en' : 'es';
  const language = LANGUAGES.find((candidate) => candidate === params.get('lang')) ?? fallbackLanguage;

  const choose = (change: { event?: string; channel?: string; lang?: string }) => {
    setNotice(null);
    setParams((current) => {
      const next = new URLSearchParams(current);
      next.set('tab', 'templates');
      for (const [name, value] of Object.entries(change)) if (value) next.set(name, value);
      return next;
    });
  };

  if (catalogue.isPending || templates.isPending) {
    return (
      <div className={classes.templates}>
        <Skeleton h={360} radius="md" />
        <Skeleton h={360} radius="md" />
      </div>
    );
  }
  if (catalogue.isError || templates.isError) {
    return (
      <Alert color="red" data-testid="templates-error">
        {errorText(catalogue.error ?? templates.error, t)} {t('errors.reload')}
      </Alert>
    );
  }
  if (!entry) return <Alert color="yellow">{t('templates.noCatalogue')}</Alert>;

  const stored = storedFor(templates.data, entry.event_type, channel, language);
  const label = (key: string) => t(`events.${key}`, { defaultValue: key });

  return (
    <div className={classes.templates}>
      <Paper withBorder radius="md" p="sm" className={classes.catalogue} component="nav" aria-label={t('templates.catalogue')}>
        <Text fw={600} size="sm" px="xs" pb="xs">
          {t('templates.catalogue')}
        </Text>
        <NativeSelect
          className={classes.catalogueSelect}
          label={t('templates.message')}
          value={entry.event_type}
          onChange={(event) => choose({ event: event.currentTarget.value })}
          data={entries.map((candidate) => ({
            value: candidate.event_type,
            label: `${label(candidate.event_type)}${storedFor(templates.data, candidate.event_type, channel, language) ? ` · ${t('templates.customised')}` : ''}`,
          }))}
          data-testid="template-select"
        />
        <ul className={classes.catalogueList} data-testid="template-catalogue">
          {entries.map((candidate) => {
            const custom = storedFor(templates.data, candidate.event_type, channel, language);
            const current = candidate.event_type === entry.event_type;
            return (
              <li key={candidate.event_type}>
                <UnstyledButton
                  className={classes.catalogueItem}
                  data-active={current || undefined}
                  aria-current={current ? 'true' : undefined}
                  onClick={() => choose({ event: candidate.event_type })}
                  data-testid="template-item"
                  data-event={candidate.event_type}
                  data-customised={custom ? 'true' : 'false'}
                >
                  <span className={classes.catalogueName}>{label(candidate.event_type)}</span>
                  {custom && <ToneBadge tone="info">{t('templates.customised')}</ToneBadge>}
                </UnstyledButton>
              </li>
            );
          })}
        </ul>
      </Paper>
      <Stack gap="md" className={classes.workArea}>
        <Group gap="md" align="flex-end" wrap="wrap">
          <Stack gap={4}>
            <Text size="sm" fw={500} id="template-channel-label">
              {t('templates.channel')}
            </Text>
            <SegmentedControl
              aria-labelledby="template-channel-label"
              value={channel}
              onChange={(value) => choose({ channel: value })}
              data={CHANNELS.map((value) => ({ value, label: t(`channels.${value}`) }))}
              data-testid="template-channel"
            />
          </Stack>
          <Stack gap={4}>
            <Text size="sm" fw={500} id="template-language-label">
              {t('templates.language')}
            </Text>
            <SegmentedControl
              aria-labelledby="template-language-label"
              value={language}
              onChange={(value) => choose({ lang: value })}
              data={LANGUAGES.map((value) => ({ value, label: t(`languages.${value}`) }))}
              data-testid="template-language"
            />
          </Stack>
        </Group>
        {notice && (
          <Alert color="green" withCloseButton closeButtonLabel={t('admin:closeNotice')} onClose={() => setNotice(null)} data-testid="template-notice">
            {notice}
          </Alert>
        )}
        <TemplateEditor
          key={`${entry.event_type}|${channel}|${language}|${stored?.id ?? 'built-in'}`}
          entry={entry}
          channel={channel}
          language={language}
          stored={stored}
          canEdit={canEdit}
          onNotice={setNotice}
        />
      </Stack>
    </div>
  );
}

function TemplateEditor(props: {
  entry: CatalogueEntry;
  channel: Channel;
  language: Language;
  stored: Template | undefined;
  canEdit: boolean;
  onNotice: (text: string | null) => void;
}) {
  const { entry, channel, language, stored, canEdit, onNotice } = props;
  const { t } = useTranslation(['messages', 'admin']);
  const tm = useTranslation('messages').t;
  const hasSubject = channel === 'email';
  const initial = stored ? { subject: stored.subject ?? '', body: stored.body } : builtIn(entry, channel, language);
  const [subject, setSubject] = useState(initial.subject);
  const [body, setBody] = useState(initial.body);
  const [checked, setChecked] = useState(false);
  const [confirmReset, setConfirmReset] = useState(false);
  const subjectRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const lastField = useRef<'subject' | 'body'>('body');
  // Where the caret goes once an inserted variable is on screen: placed as the new text is committed, before the
  // browser takes another key, so what is typed next lands after the variable rather than before it.
  const caret = useRef<{ field: HTMLInputElement | HTMLTextAreaElement; at: number } | null>(null);
  useLayoutEffect(() => {
    const pending = caret.current;
    if (!pending) return;
    caret.current = null;
    pending.field.focus();
    pending.field.setSelectionRange(pending.at, pending.at);
  }, [subject, body]);
  const save = useSaveTemplate();
  const reset = useResetTemplate();

  const [debounced] = useDebouncedValue({ subject, body }, 350);
  const preview = usePreview({ event_type: entry.event_type as never, channel, language, subject: hasSubject ? debounced.subject : null, body: debounced.body });
  const dirty = subject !== initial.subject || body !== initial.body;
  const previewProblem = preview.isError ? fieldError(preview.error) : null;
  const saveProblem = save.isError ? fieldError(save.error) : null;

  const localError = {
    subject: hasSubject && subject.trim() === '' ? t('editor.subjectRequired') : subject.length > 500 ? t('editor.subjectLong') : null,
    body: body.trim() === '' ? t('editor.bodyRequired') : body.length > 20_000 ? t('editor.bodyLong') : null,
  };
  const fieldMessage = (name: 'subject' | 'body'): string | null => {
    if (checked && localError[name]) return localError[name];
    const problem = saveProblem ?? previewProblem;
    if (problem && problem.field === name) return tm('errors.template', { part: tm(`errors.parts.${name}`), message: problem.message });
    return null;
  };

  const insert = (variable: string) => {
    const token = `{{ ${variable} }}`;
    const field = hasSubject && lastField.current === 'subject' ? subjectRef.current : bodyRef.current;
    const value = field === subjectRef.current ? subject : body;
    const start = field?.selectionStart ?? value.length;
    const end = field?.selectionEnd ?? value.length;
    const next = value.slice(0, start) + token + value.slice(end);
    if (field) caret.current = { field, at: start + token.length };
    if (field === subjectRef.current) setSubject(next);
    else setBody(next);
  };

  const submit = async () => {
    setChecked(true);
    onNotice(null);
    if (localError.subject || localError.body) return;
    try {
      await save.mutateAsync({ id: stored?.id ?? null, event_type: entry.event_type as TemplateKey, channel, language, subject: hasSubject ? subject : null, body });
      onNotice(t('editor.saved'));
    } catch {
      // Shown beside the form.
    }
  };

  const restore = async () => {
    if (!stored) return;
    onNotice(null);
    try {
      await reset.mutateAsync(stored.id);
      onNotice(t('editor.resetDone'));
    } catch {
      setConfirmReset(false);
    }
  };

  const sms = channel === 'sms' && preview.data ? smsLength(preview.data.text) : null;

  return (
    <div className={classes.editorGrid}>
      <Paper withBorder radius="md" p="lg" className={classes.card} data-testid="template-editor">
        <Stack gap="md">
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <Title order={2} size="h4">
              {t(`events.${entry.event_type}`, { defaultValue: entry.event_type })}
            </Title>
            {stored ? (
              <ToneBadge tone="info" testId="template-state">
                {t('templates.customised')}
              </ToneBadge>
            ) : (
              <ToneBadge tone="neutral" testId="template-state">
                {t('templates.default')}
              </ToneBadge>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            {stored ? t('editor.customisedHelp') : t('editor.defaultHelp')}
          </Text>
          {hasSubject && (
            <TextInput
              ref={subjectRef}
              label={t('editor.subject')}
              value={subject}
              readOnly={!canEdit}
              onFocus={() => (lastField.current = 'subject')}
              onChange={(event) => setSubject(event.currentTarget.value)}
              error={fieldMessage('subject')}
              data-testid="template-subject"
            />
          )}
          <Textarea
            ref={bodyRef}
            label={t('editor.body')}
            description={channel === 'email' ? t('editor.bodyHelpEmail') : t('editor.bodyHelpShort')}
            value={body}
            readOnly={!canEdit}
            autosize
            minRows={8}
            maxRows={20}
            onFocus={() => (lastField.current = 'body')}
            onChange={(event) => setBody(event.currentTarget.value)}
            error={fieldMessage('body')}
            classNames={{ input: classes.code }}
            data-testid="template-body"
          />
          {canEdit && (
            <Stack gap={6}>
              <Text size="sm" fw={500} id="template-variables-label">
                {t('editor.variables')}
              </Text>
              <Text size="xs" c="dimmed">
                {t('editor.variablesHelp')}
              </Text>
              <div className={classes.variables} role="group" aria-labelledby="template-variables-label" data-testid="template-variables">
                {entry.variables.map((variable) => (
                  <button key={variable} type="button" className={classes.variable} onMouseDown={(event) => event.preventDefault()} onClick={() => insert(variable)}>
                    {`{{ ${variable} }}`}
                  </button>
                ))}
              </div>
            </Stack>
          )}
          {save.isError && !saveProblem && <Alert color="red">{messagesErrorText(save.error, t, tm)}</Alert>}
          {reset.isError && <Alert color="red">{messagesErrorText(reset.error, t, tm)}</Alert>}
          {canEdit && confirmReset && stored && (
            <Alert color="yellow" title={t('editor.resetTitle')} data-testid="template-reset-confirm">
              <Stack gap="sm">
                <Text size="sm">{t('editor.resetHelp')}</Text>
                <Group gap="sm">
                  <Button color="red" onClick={restore} loading={reset.isPending} data-testid="template-reset-yes">
                    {t('editor.resetYes')}
                  </Button>
                  <Button variant="default" onClick={() => setConfirmReset(false)}>
                    {t('editor.keep')}
                  </Button>
                </Group>
              </Stack>
            </Alert>
          )}
          {canEdit && (
            <Group justify="space-between" gap="sm" className={classes.formActions}>
              <Group gap="sm">
                <Button onClick={submit} loading={save.isPending} disabled={!dirty} data-testid="template-save">
                  {t('editor.save')}
                </Button>
                {dirty && (
                  <Button
                    variant="default"
                    onClick={() => {
                      setSubject(initial.subject);
                      setBody(initial.body);
                      setChecked(false);
                    }}
                  >
                    {t('editor.discard')}
                  </Button>
                )}
              </Group>
              {stored && !confirmReset && (
                <Button variant="subtle" color="red" onClick={() => setConfirmReset(true)} data-testid="template-reset">
                  {t('editor.reset')}
                </Button>
              )}
            </Group>
          )}
          {dirty && canEdit && (
            <Text size="sm" c="dimmed" data-testid="template-dirty">
              {t('editor.unsaved')}
            </Text>
          )}
        </Stack>
      </Paper>
      <Paper withBorder radius="md" p="lg" className={classes.card} data-testid="template-preview" aria-busy={preview.isFetching}>
        <Stack gap="sm">
          <Group justify="space-between" align="baseline">
            <Title order={2} size="h4">
              {t('preview.title')}
            </Title>
            <Text size="xs" c="dimmed">
              {preview.isFetching ? t('preview.updating') : t('preview.sample')}
            </Text>
          </Group>
          {preview.isError && (
            <Alert color="red" data-testid="template-preview-error">
              {messagesErrorText(preview.error, t, tm)}
            </Alert>
          )}
          {body.trim() === '' ? (
            <Text c="dimmed" size="sm">
              {t('preview.empty')}
            </Text>
          ) : preview.isPending ? (
            <Skeleton h={220} />
          ) : preview.data ? (
            channel === 'email' ? (
              <div className={classes.email} data-testid="template-preview-content">
                <div className={classes.emailHead}>
                  <Text size="xs" c="dimmed">
                    {t('preview.subject')}
                  </Text>
                  <Text fw={600}>{preview.data.subject}</Text>
                </div>
                <div className={classes.emailBody}>{preview.data.text}</div>
              </div>
            ) : (
              <Stack gap="xs">
                <div className={classes.bubble} data-channel={channel} data-testid="template-preview-content">
                  {preview.data.text}
                </div>
                {sms ? (
                  <>
                    <Text size="sm" fw={500} data-testid="template-sms-length">
                      {t('preview.smsLength', { count: sms.length, segments: sms.segments })}
                    </Text>
                    {sms.encoding === 'ucs2' && (
                      <Text size="sm" c="dimmed">
                        {t('preview.smsUnicode')}
                      </Text>
                    )}
                  </>
                ) : (
                  <Text size="sm" c="dimmed">
                    {t('preview.length', { count: preview.data.text.length })}
                  </Text>
                )}
              </Stack>
            )
          ) : null}
        </Stack>
      </Paper>
    </div>
  );
}
