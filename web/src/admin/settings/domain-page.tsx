import { Alert, Button, Group, Paper, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import i18next from 'i18next';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { can, type Me } from '../session/use-session.ts';
import { PageHeading } from '../ui/page-heading.tsx';
import { ToneBadge, type Tone } from '../ui/tone-badge.tsx';
import { screenErrorText, useAskDomain, useCustomDomain, useRemoveDomain, useVerifyDomain, type CustomDomain } from './business-api.ts';
import classes from './business-settings.module.css';
import enWords from './i18n/domain-en.json';
import esWords from './i18n/domain-es.json';

// The screen's words load with its chunk.
i18next.addResourceBundle('en', 'domain', enWords, true, true);
i18next.addResourceBundle('es', 'domain', esWords, true, true);

const STATUS_TONE: Record<CustomDomain['status'], Tone> = { pending: 'warning', verified: 'positive', failed: 'danger' };

/**
 * /admin/settings/domain: the booking page at the business's own address. The owner names a host,
 * creates the two DNS records the screen shows, and asks the product to check them; the page
 * answers there only once they are found.
 */
export default function DomainPage({ me }: { me: Me }) {
  const { t } = useTranslation('domain');
  const { t: tAdmin } = useTranslation('admin');
  const tenantId = me.tenant?.id ?? '';
  const domain = useCustomDomain(tenantId);
  const canEdit = can(me, 'update', 'Tenant') && !me.read_only;
  return (
    <Stack gap="lg" maw={960} data-testid="domain-page">
      <PageHeading title={t('title')} intro={t('intro', { address: me.tenant ? `${window.location.host}/book/${me.tenant.slug}` : '' })} />
      {domain.isPending ? (
        <Skeleton h={240} radius="md" />
      ) : domain.isError ? (
        <Alert color="red">{screenErrorText(domain.error, 'domain', tAdmin)}</Alert>
      ) : (
        <>
          {canEdit && <HostCard tenantId={tenantId} current={domain.data?.host ?? ''} />}
          {domain.data ? (
            <RecordsCard tenantId={tenantId} domain={domain.data} canEdit={canEdit} />
          ) : (
            <Alert color="blue" data-testid="domain-empty">
              {t('empty')}
            </Alert>
          )}
        </>
      )}
    </Stack>
  );
}

function HostCard({ tenantId, current }: { tenantId: string; current: string }) {
  const { t } = useTranslation('domain');
  const { t: tAdmin } = useTranslation('admin');
  const [host, setHost] = useState(current);
  const ask = useAskDomain(tenantId);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (host.trim() !== '') ask.mutate(host.trim());
  };
  return (
    <Paper withBorder radius="md" p="lg" component="form" onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label={t('host')}
          description={t('hostHelp')}
          placeholder="book.salon-example.com"
          value={host}
          onChange={(event) => setHost(event.currentTarget.value)}
          error={ask.error ? screenErrorText(ask.error, 'domain', tAdmin) : null}
          autoCapitalize="none"
          spellCheck={false}
          data-testid="domain-host"
        />
        <Group justify="flex-end" className={classes.footer}>
          <Button type="submit" loading={ask.isPending} disabled={host.trim() === '' || host.trim().toLowerCase() === current} data-testid="domain-save">
            {current === '' ? t('ask') : t('change')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function RecordsCard({ tenantId, domain, canEdit }: { tenantId: string; domain: CustomDomain; canEdit: boolean }) {
  const { t, i18n } = useTranslation('domain');
  const { t: tAdmin } = useTranslation('admin');
  const verify = useVerifyDomain(tenantId);
  const remove = useRemoveDomain(tenantId);
  const checkedAt = domain.checked_at ? new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(domain.checked_at)) : null;
  const failure = verify.error ?? remove.error;
  return (
    <Paper withBorder radius="md" p="lg" data-testid="domain-records">
      <Stack gap="md">
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h4">
            {domain.host}
          </Title>
          <ToneBadge tone={STATUS_TONE[domain.status]} testId={`domain-status-${domain.status}`}>
            {t(`status.${domain.status}`)}
          </ToneBadge>
        </Group>
        <Text size="sm">{domain.status === 'verified' ? t('verifiedHelp', { host: domain.host }) : t('recordsHelp')}</Text>
        {domain.status === 'failed' && domain.failure && (
          <Alert color="red" data-testid="domain-failure">
            {t(`failure.${domain.failure}`)}
          </Alert>
        )}
        <table className={classes.records}>
          <thead>
            <tr>
              <th scope="col">{t('type')}</th>
              <th scope="col">{t('name')}</th>
              <th scope="col">{t('value')}</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td data-label={t('type')}>CNAME</td>
              <td data-label={t('name')}>
                <code>{domain.cname.name}</code>
              </td>
              <td data-label={t('value')}>
                <code data-testid="domain-cname-target">{domain.cname.target}</code>
              </td>
            </tr>
            <tr>
              <td data-label={t('type')}>TXT</td>
              <td data-label={t('name')}>
                <code>{domain.txt.name}</code>
              </td>
              <td data-label={t('value')}>
                <code data-testid="domain-txt-value">{domain.txt.value}</code>
              </td>
            </tr>
          </tbody>
        </table>
        {checkedAt && (
          <Text size="xs" c="dimmed">
            {t('checkedAt', { when: checkedAt })}
          </Text>
        )}
        {failure && <Alert color="red">{screenErrorText(failure, 'domain', tAdmin)}</Alert>}
        {canEdit && (
          <Group justify="space-between" className={classes.footer}>
            <Button variant="subtle" color="red" loading={remove.isPending} onClick={() => remove.mutate()} data-testid="domain-remove">
              {t('remove')}
            </Button>
            <Button loading={verify.isPending} onClick={() => verify.mutate()} data-testid="domain-verify">
              {t('verify')}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
