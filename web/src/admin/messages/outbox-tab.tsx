import { Alert, Button, Drawer, Group, Paper, Select, Skeleton, Stack, Text, Timeline, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { can, type Me } from '../session/use-session.ts';
import { errorText } from '../ui/error-text.ts';
import { ToneBadge, type Tone } from '../ui/tone-badge.tsx';
import { messagesErrorText } from './message-errors.ts';
import classes from './messages.module.css';
import { useMessage, useOutbox, useResend, type Channel, type Message, type MessageDetail, type MessageStatus } from './use-messages.ts';

const STATUSES: readonly MessageStatus[] = ['pending', 'sent', 'delivered', 'captured', 'failed', 'bounced', 'skipped'];
const CHANNELS: readonly Channel[] = ['email', 'sms', 'whatsapp', 'push'];
const TONES: Record<MessageStatus, Tone> = {
  delivered: 'positive',
  sent: 'positive',
  captured: 'info',
  pending: 'warning',
  failed: 'danger',
  bounced: 'danger',
  skipped: 'neutral',
};
const TROUBLE = new Set<MessageStatus>(['failed', 'bounced']);

export function MessageStatusBadge({ status, testId }: { status: MessageStatus; testId?: string }) {
  const { t } = useTranslation('messages');
  return (
    <ToneBadge tone={TONES[status]} {...(testId ? { testId } : {})}>
      {t(`status.${status}`)}
    </ToneBadge>
  );
}

function when(instant: string, language: string): string {
  return new Intl.DateTimeFormat(language, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(instant));
}

/**
 * The outbox: every message sent or captured, newest first, filtered by status and channel
 * (`?status=failed&channel=sms`); a message opens in a side panel (`?message=<id>`) with its
 * content, its delivery history and, when it may, a resend.
 */
export function OutboxTab({ me }: { me: Me }) {
  const { t, i18n } = useTranslation(['messages', 'admin']);
  const [params, setParams] = useSearchParams();
  const status = STATUSES.find((candidate) => candidate === params.get('status')) ?? null;
  const channel = CHANNELS.find((candidate) => candidate === params.get('channel')) ?? null;
  const openId = params.get('message');
  const outbox = useOutbox({ status, channel });
  const messages = outbox.data?.pages.flatMap((page) => page.items) ?? [];

  const set = (name: string, value: string | null) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      next.set('tab', 'outbox');
      if (value) next.set(name, value);
      else next.delete(name);
      return next;
    });

  return (
    <Stack gap="md">
      <Group gap="md" align="flex-end" wrap="wrap">
        <Select
          label={t('outbox.status')}
          placeholder={t('outbox.anyStatus')}
          data={STATUSES.map((value) => ({ value, label: t(`status.${value}`) }))}
          value={status}
          onChange={(value) => set('status', value)}
          clearable
          clearButtonProps={{ 'aria-label': t('outbox.clearStatus') }}
          comboboxProps={{ withinPortal: true }}
          className={classes.filter}
          data-testid="outbox-status"
        />
        <Select
          label={t('outbox.channel')}
          placeholder={t('outbox.anyChannel')}
          data={CHANNELS.map((value) => ({ value, label: t(`channels.${value}`) }))}
          value={channel}
          onChange={(value) => set('channel', value)}
          clearable
          clearButtonProps={{ 'aria-label': t('outbox.clearChannel') }}
          className={classes.filter}
          data-testid="outbox-channel"
        />
      </Group>
      <Text size="sm" c="dimmed">
        {t('outbox.help')}
      </Text>
      {outbox.isPending ? (
        <Stack gap="xs">
          <Skeleton h={56} />
          <Skeleton h={56} />
          <Skeleton h={56} />
        </Stack>
      ) : outbox.isError ? (
        <Alert color="red" data-testid="outbox-error">
          {errorText(outbox.error, t)}
        </Alert>
      ) : messages.length === 0 ? (
        <Paper withBorder radius="md" p="lg" data-testid="outbox-empty">
          <Stack gap="xs">
            <Text fw={600}>{status || channel ? t('outbox.emptyFiltered') : t('outbox.empty')}</Text>
            <Text size="sm" c="dimmed">
              {status || channel ? t('outbox.emptyFilteredHelp') : t('outbox.emptyHelp')}
            </Text>
            {(status || channel) && (
              <Button variant="default" w="fit-content" onClick={() => setParams({ tab: 'outbox' })}>
                {t('outbox.clearFilters')}
              </Button>
            )}
          </Stack>
        </Paper>
      ) : (
        <Paper withBorder radius="md" className={classes.outbox}>
          <div className={classes.outboxHead} aria-hidden="true">
            <span>{t('outbox.when')}</span>
            <span>{t('outbox.message')}</span>
            <span>{t('outbox.recipient')}</span>
            <span>{t('outbox.status')}</span>
          </div>
          <ul className={classes.outboxList} data-testid="outbox-list">
            {messages.map((message) => (
              <li key={message.id}>
                <OutboxRow message={message} language={i18n.language} onOpen={() => set('message', message.id)} />
              </li>
            ))}
          </ul>
        </Paper>
      )}
      {outbox.hasNextPage && (
        <Button variant="default" w="fit-content" onClick={() => outbox.fetchNextPage()} loading={outbox.isFetchingNextPage} data-testid="outbox-more">
          {t('outbox.more')}
        </Button>
      )}
      <MessageDrawer id={openId} me={me} onClose={() => set('message', null)} />
    </Stack>
  );
}

function OutboxRow({ message, language, onOpen }: { message: Message; language: string; onOpen: () => void }) {
  const { t } = useTranslation('messages');
  return (
    <UnstyledButton className={classes.outboxRow} onClick={onOpen} data-testid="outbox-row" data-id={message.id} data-status={message.status}>
      <span className={classes.outboxWhen}>{when(message.created_at, language)}</span>
      <span className={classes.outboxWhat}>
        <span className={classes.outboxTitle}>{t(`events.${message.event_type}`, { defaultValue: message.event_type })}</span>
        <span className={classes.outboxMeta}>
          {t(`channels.${message.channel}`)} · {t(`languages.${message.language}`, { defaultValue: message.language })}
          {message.subject ? ` · ${message.subject}` : ''}
        </span>
      </span>
      <span className={classes.outboxTo}>{message.recipient ?? t(`recipient.${message.recipient_kind}`)}</span>
      <span className={classes.outboxStatus}>
        <MessageStatusBadge status={message.status} />
      </span>
    </UnstyledButton>
  );
}

function MessageDrawer({ id, me, onClose }: { id: string | null; me: Me; onClose: () => void }) {
  const { t } = useTranslation(['messages', 'admin']);
  const message = useMessage(id);
  return (
    <Drawer
      opened={id !== null}
      onClose={onClose}
      position="right"
      size="lg"
      // Mantine's scroll lock writes a <style> element, which the page's CSP refuses.
      lockScroll={false}
      title={message.data ? t(`events.${message.data.event_type}`, { defaultValue: message.data.event_type }) : t('admin:loading')}
      closeButtonProps={{ 'aria-label': t('detail.close') }}
    >
      {message.isPending && <Skeleton h={240} />}
      {message.isError && <Alert color="red">{messagesErrorText(message.error, t, t)}</Alert>}
      {message.data && <MessageDetailView key={message.data.id} message={message.data} me={me} />}
    </Drawer>
  );
}

function MessageDetailView({ message, me }: { message: MessageDetail; me: Me }) {
  const { t, i18n } = useTranslation(['messages', 'admin']);
  const resend = useResend();
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState(false);
  const mayResend = can(me, 'manage', 'Notification') && !me.read_only && message.status !== 'pending';
  const trouble = TROUBLE.has(message.status);

  const send = async () => {
    setDone(false);
    try {
      await resend.mutateAsync(message.id);
      setDone(true);
      setConfirming(false);
    } catch {
      setConfirming(false);
    }
  };

  const events: Array<{ key: string; at: string; text: string; tone?: 'danger' }> = [{ key: 'created', at: message.created_at, text: t('detail.created') }];
  if (message.sent_at) events.push({ key: 'sent', at: message.sent_at, text: message.status === 'captured' ? t('detail.captured') : t('detail.sent', { transport: message.transport ?? t(`channels.${message.channel}`) }) });
  if (message.delivered_at) events.push({ key: 'delivered', at: message.delivered_at, text: t('detail.delivered') });
  if (message.failed_at) events.push({ key: 'failed', at: message.failed_at, text: t('detail.failed', { error: message.error ?? message.error_code ?? '—' }), tone: 'danger' });
  events.sort((a, b) => a.at.localeCompare(b.at));
  const format = (instant: string) =>
    new Intl.DateTimeFormat(i18n.language, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(instant));

  return (
    <Stack gap="lg" data-testid="message-detail">
      <Group gap="sm" wrap="wrap">
        <MessageStatusBadge status={message.status} testId="message-status" />
        <Text size="sm" c="dimmed">
          {t(`channels.${message.channel}`)} · {t(`languages.${message.language}`, { defaultValue: message.language })}
        </Text>
      </Group>
      <dl className={classes.facts}>
        <dt>{t('outbox.recipient')}</dt>
        <dd data-testid="message-recipient">{message.recipient ?? t(`recipient.${message.recipient_kind}`)}</dd>
        <dt>{t('detail.attempts')}</dt>
        <dd data-testid="message-attempts">{t('detail.attemptsValue', { count: message.attempts })}
          {message.resend_count > 0 && ` · ${t('detail.resends', { count: message.resend_count })}`}</dd>
      </dl>
      {message.status === 'captured' && (
        <Alert color="blue" variant="light">
          {t('detail.capturedHelp')}
        </Alert>
      )}
      {trouble && message.error && (
        <Alert color="red" title={t('detail.whyFailed')}>
          {message.error}
        </Alert>
      )}
      <Stack gap="xs">
        <Text fw={600}>{t('detail.content')}</Text>
        {message.body === '' ? (
          <Text size="sm" c="dimmed">
            {t('detail.erased')}
          </Text>
        ) : (
          <div className={classes.email} data-testid="message-content">
            {message.subject && (
              <div className={classes.emailHead}>
                <Text size="xs" c="dimmed">
                  {t('preview.subject')}
                </Text>
                <Text fw={600}>{message.subject}</Text>
              </div>
            )}
            <div className={classes.emailBody}>{message.body}</div>
          </div>
        )}
      </Stack>
      <Stack gap="xs">
        <Text fw={600}>{t('detail.history')}</Text>
        <Timeline bulletSize={14} lineWidth={2} active={events.length - 1} data-testid="message-events">
          {events.map((event) => (
            <Timeline.Item key={event.key} title={event.text} color={event.tone === 'danger' ? 'red' : undefined}>
              <Text size="xs" c="dimmed">
                {format(event.at)}
              </Text>
            </Timeline.Item>
          ))}
        </Timeline>
      </Stack>
      {done && (
        <Alert color="green" data-testid="message-resent">
          {t('detail.resent')}
        </Alert>
      )}
      {resend.isError && <Alert color="red">{messagesErrorText(resend.error, t, t)}</Alert>}
      {mayResend &&
        (confirming ? (
          <Alert color="yellow" title={t('detail.resendTitle')} data-testid="message-resend-confirm">
            <Stack gap="sm">
              <Text size="sm">{t('detail.resendHelp')}</Text>
              <Group gap="sm">
                <Button onClick={send} loading={resend.isPending} data-testid="message-resend-yes">
                  {t('detail.resendYes')}
                </Button>
                <Button variant="default" onClick={() => setConfirming(false)}>
                  {t('detail.keep')}
                </Button>
              </Group>
            </Stack>
          </Alert>
        ) : (
          <Button variant={trouble ? 'filled' : 'default'} w="fit-content" onClick={() => (trouble ? void send() : setConfirming(true))} loading={resend.isPending} data-testid="message-resend">
            {trouble ? t('detail.retry') : t('detail.resend')}
          </Button>
        ))}
    </Stack>
  );
}
