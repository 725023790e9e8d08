import { Loader, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorText } from '../ui/error-text.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import classes from './platform.module.css';
import { FailedDeliveries, FailedMessages } from './support/delivery-actions.tsx';
import { useDiagnostics } from './use-platform.ts';

/**
 * Support's first look at a business: each check that found something, in words, or that nothing did;
 * then the latest failed messages and webhook deliveries, each with its Resend or Replay.
 */
export function DiagnosticsPanel({ tenantId }: { tenantId: string }) {
  const { t, i18n } = useTranslation('admin');
  const diagnostics = useDiagnostics(tenantId);
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const list = new Intl.ListFormat(i18n.language, { type: 'conjunction' });
  const data = diagnostics.data;
  const findings: Array<{ key: string; text: string }> = [];
  if (data) {
    const { services_without_resources: services, resources_without_schedule: resources } = data.configuration;
    if (services.length > 0) findings.push({ key: 'services', text: t('platform.diagnostics.services', { count: services.length, names: list.format(services.map((service) => service.name)) }) });
    if (resources.length > 0) findings.push({ key: 'resources', text: t('platform.diagnostics.resources', { count: resources.length, names: list.format(resources.map((resource) => resource.name)) }) });
    if (data.failed_payments.count > 0) findings.push({ key: 'payments', text: t('platform.diagnostics.payments', { count: data.failed_payments.count }) });
    for (const endpoint of data.failing_webhooks) {
      findings.push({
        key: `webhook-${endpoint.id}`,
        text:
          endpoint.status === 'disabled'
            ? t('platform.diagnostics.webhookOff', { url: endpoint.url })
            : t('platform.diagnostics.webhookFailing', { url: endpoint.url, since: endpoint.failing_since ? when.format(new Date(endpoint.failing_since)) : '—' }),
      });
    }
    for (const message of data.undelivered_messages) {
      findings.push({
        key: `messages-${message.channel}-${message.status}`,
        text: t(`platform.diagnostics.${message.status}_${message.channel}`, { count: message.count }),
      });
    }
  }
  return (
    <section className={classes.panel} aria-labelledby="diagnostics-title" data-testid="diagnostics" data-problems={data?.problems}>
      <Stack gap="xs">
        <Title order={2} size="h3" id="diagnostics-title">
          {t('platform.diagnostics.title')}
        </Title>
        {diagnostics.isPending && <Loader size="sm" aria-label={t('loading')} />}
        {diagnostics.isError && (
          <Text size="sm" c="red">
            {errorText(diagnostics.error, t)}
          </Text>
        )}
        {data && findings.length === 0 && (
          <div>
            <ToneBadge tone="positive" testId="diagnostics-clear" wrap>
              {t('platform.diagnostics.clear')}
            </ToneBadge>
          </div>
        )}
        {findings.length > 0 && (
          <ul className={classes.findings} data-testid="diagnostics-findings">
            {findings.map((finding) => (
              <li key={finding.key}>{finding.text}</li>
            ))}
          </ul>
        )}
        {data && <FailedMessages tenantId={tenantId} messages={data.latest_undelivered_messages} />}
        {data && <FailedDeliveries tenantId={tenantId} deliveries={data.latest_failed_deliveries} />}
        <Text size="xs" c="dimmed">
          {t('platform.diagnostics.window')}
        </Text>
      </Stack>
    </section>
  );
}
