import { Loader, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../ui/error-text.ts';
import { ToneBadge } from '../../ui/tone-badge.tsx';
import platformClasses from '../platform.module.css';
import classes from './activity.module.css';
import { ACTIVITY_NAMESPACES } from './activity-words.ts';
import { useTenantErrors, type TenantError } from './use-tenant-activity.ts';

/** One failure in words: what failed, and why (a job's error, a delivery's HTTP status, a message's provider code). */
function ErrorItem({ error }: { error: TenantError }) {
  const { t, i18n } = useTranslation(ACTIVITY_NAMESPACES);
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const attempts = error.attempts ?? 0;
  const [text, detail] =
    error.kind === 'job'
      ? [t('errors.job', { name: error.what, attempts }), error.error]
      : error.kind === 'webhook_delivery'
        ? [t('errors.delivery', { event: error.what, url: error.url, attempts }), error.http_status === null ? t('errors.deliveryNoResponse') : t('errors.deliveryStatus', { status: error.http_status })]
        : [
            t('errors.message', { event: error.what, channel: t(`errors.channels.${error.channel ?? 'email'}`, { defaultValue: error.channel ?? '' }) }),
            error.error_code ? t('errors.messageCode', { code: error.error_code }) : t('errors.messageNoCode'),
          ];
  return (
    <li className={classes.error} data-testid="tenant-error" data-kind={error.kind} data-id={error.id}>
      <div className={classes.errorHead}>
        <ToneBadge tone="danger">{t(`errors.kinds.${error.kind}`)}</ToneBadge>
        <time className={classes.errorWhen} dateTime={error.occurred_at}>
          {when.format(new Date(error.occurred_at))}
        </time>
      </div>
      <Text className={classes.errorText}>{text}</Text>
      {detail && <Text className={classes.errorDetail}>{detail}</Text>}
    </li>
  );
}

/** What failed for the business in the last 7 days: jobs, webhook deliveries and messages, newest first. */
export function ErrorsCard({ tenantId }: { tenantId: string }) {
  const { t } = useTranslation(ACTIVITY_NAMESPACES);
  const { t: adminT } = useTranslation('admin');
  const errors = useTenantErrors(tenantId);
  const data = errors.data;
  return (
    <section className={platformClasses.panel} aria-labelledby="errors-title" data-testid="tenant-errors">
      <Stack gap="sm">
        <div>
          <Title order={2} size="h3" id="errors-title">
            {t('errors.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('errors.intro')}
          </Text>
        </div>
        <div role="status" aria-live="polite">
          {errors.isPending && <Loader size="sm" aria-label={adminT('loading')} />}
          {errors.isError && (
            <Text size="sm" c="red.9" data-testid="tenant-errors-error">
              {t('errors.loadFailed')} {errorText(errors.error, adminT)}
            </Text>
          )}
          {data && data.errors.length === 0 && (
            <div>
              <ToneBadge tone="positive" testId="tenant-errors-clear" wrap>
                {t('errors.empty')}
              </ToneBadge>
            </div>
          )}
        </div>
        {data && data.errors.length > 0 && (
          <ul className={classes.errors}>
            {data.errors.map((error) => (
              <ErrorItem key={`${error.kind}-${error.id}`} error={error} />
            ))}
          </ul>
        )}
      </Stack>
    </section>
  );
}
