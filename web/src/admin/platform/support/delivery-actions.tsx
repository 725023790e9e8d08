import { Button, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../ui/error-text.ts';
import { ToneBadge } from '../../ui/tone-badge.tsx';
import type { Diagnostics } from '../use-platform.ts';
import classes from './support.module.css';
import { SUPPORT_NAMESPACES } from './support-words.ts';
import { useReplayDelivery, useResendFailedMessages, useResendMessage } from './use-support.ts';

type Outcome = { ok: boolean; text: string };

/** What happened to the last click on a row, said where the button is (and announced). */
function OutcomeText({ outcome, testId }: { outcome: Outcome | undefined; testId: string }) {
  return (
    <span role="status" aria-live="polite" data-testid={testId} className={classes.outcome}>
      {outcome?.ok && <ToneBadge tone="positive">{outcome.text}</ToneBadge>}
      {outcome && !outcome.ok && (
        <Text component="span" size="sm" c="red.9">
          {outcome.text}
        </Text>
      )}
    </span>
  );
}

/** The latest failed or bounced messages, each with a Resend that goes through the business's outbox. */
export function FailedMessages({ tenantId, messages }: { tenantId: string; messages: Diagnostics['latest_undelivered_messages'] }) {
  const { t, i18n } = useTranslation(SUPPORT_NAMESPACES);
  const { t: adminT } = useTranslation('admin');
  const resend = useResendMessage(tenantId);
  const resendAll = useResendFailedMessages(tenantId);
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const [allOutcome, setAllOutcome] = useState<Outcome | undefined>(undefined);
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  if (messages.length === 0) return null;
  return (
    <div className={classes.block}>
      <Text fw={600} size="sm" id="failed-messages-title">
        {t('messages.title')}
      </Text>
      {messages.length > 1 && (
        <div className={classes.outcome}>
          <Button
            variant="default"
            size="compact-sm"
            loading={resendAll.isPending}
            data-testid="resend-all-messages"
            onClick={() =>
              resendAll.mutate(undefined, {
                onSuccess: (answer) =>
                  setAllOutcome({
                    ok: true,
                    text: [t('messages.resentAll', { count: answer.resent }), answer.skipped.length > 0 ? t('messages.resentAllSkipped', { count: answer.skipped.length }) : ''].join(' ').trim(),
                  }),
                onError: (error) => setAllOutcome({ ok: false, text: errorText(error, adminT) }),
              })
            }
          >
            {t('messages.resendAll')}
          </Button>
          <OutcomeText outcome={allOutcome} testId="resend-all-outcome" />
        </div>
      )}
      <ul className={classes.rows} aria-labelledby="failed-messages-title" data-testid="failed-messages">
        {messages.map((message) => {
          const words = {
            event: message.event_type,
            channel: t(`channel.${message.channel}`, { defaultValue: message.channel }),
            status: t(`messageStatus.${message.status}`),
            when: when.format(new Date(message.failed_at ?? message.created_at)),
          };
          const meta = [message.error_code ? t('messages.errorCode', { code: message.error_code }) : null, message.resend_count > 0 ? t('messages.resentBefore', { count: message.resend_count }) : null].filter(Boolean);
          const outcome = outcomes[message.id];
          return (
            <li key={message.id} className={classes.row} data-testid="failed-message" data-id={message.id}>
              <span className={classes.rowText}>
                {t('messages.line', words)}
                {meta.length > 0 && <span className={classes.rowMeta}>{meta.join(' · ')}</span>}
              </span>
              <span className={classes.rowAction}>
                <OutcomeText outcome={outcome} testId="resend-outcome" />
                {!outcome?.ok && (
                  <Button
                    size="xs"
                    variant="default"
                    aria-label={t('messages.resendLabel', words)}
                    loading={resend.isPending && resend.variables === message.id}
                    data-testid="resend-message"
                    onClick={() =>
                      resend.mutate(message.id, {
                        onSuccess: () => setOutcomes((all) => ({ ...all, [message.id]: { ok: true, text: t('messages.resent') } })),
                        onError: (error) => setOutcomes((all) => ({ ...all, [message.id]: { ok: false, text: errorText(error, adminT) } })),
                      })
                    }
                  >
                    {t('messages.resend')}
                  </Button>
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** The latest webhook deliveries that failed for good, each with a Replay through the Developers screen's replay. */
export function FailedDeliveries({ tenantId, deliveries }: { tenantId: string; deliveries: Diagnostics['latest_failed_deliveries'] }) {
  const { t } = useTranslation(SUPPORT_NAMESPACES);
  const { t: adminT } = useTranslation('admin');
  const replay = useReplayDelivery(tenantId);
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  if (deliveries.length === 0) return null;
  return (
    <div className={classes.block}>
      <Text fw={600} size="sm" id="failed-deliveries-title">
        {t('deliveries.title')}
      </Text>
      <ul className={classes.rows} aria-labelledby="failed-deliveries-title" data-testid="failed-deliveries">
        {deliveries.map((delivery) => {
          const words = { event: delivery.event_type, url: delivery.url, attempts: delivery.attempts };
          const outcome = outcomes[delivery.id];
          const disabled = delivery.endpoint_status === 'disabled';
          return (
            <li key={delivery.id} className={classes.row} data-testid="failed-delivery" data-id={delivery.id}>
              <span className={classes.rowText}>
                {t('deliveries.line', words)}
                <span className={classes.rowMeta}>
                  {disabled
                    ? t('deliveries.endpointOff')
                    : delivery.last_response_status === null
                      ? t('deliveries.noResponse')
                      : t('deliveries.lastStatus', { status: delivery.last_response_status })}
                </span>
              </span>
              <span className={classes.rowAction}>
                <OutcomeText outcome={outcome} testId="replay-outcome" />
                {!outcome?.ok && (
                  <Button
                    size="xs"
                    variant="default"
                    disabled={disabled}
                    aria-label={t('deliveries.replayLabel', words)}
                    loading={replay.isPending && replay.variables === delivery.id}
                    data-testid="replay-delivery"
                    onClick={() =>
                      replay.mutate(delivery.id, {
                        onSuccess: () => setOutcomes((all) => ({ ...all, [delivery.id]: { ok: true, text: t('deliveries.replayed') } })),
                        onError: (error) => setOutcomes((all) => ({ ...all, [delivery.id]: { ok: false, text: errorText(error, adminT) } })),
                      })
                    }
                  >
                    {t('deliveries.replay')}
                  </Button>
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
