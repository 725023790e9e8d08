import { Alert, Button, Loader, Stack, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { errorText } from '../ui/error-text.ts';
import classes from './platform.module.css';
import { useDeadJobs, useReplayJob, useTenantHealth, type DeadJob } from './use-platform.ts';

function ReplayButton({ job }: { job: DeadJob }) {
  const { t } = useTranslation('admin');
  const replay = useReplayJob();
  return (
    <Button
      size="xs"
      variant="default"
      loading={replay.isPending && replay.variables === job.id}
      data-testid="replay-job"
      onClick={() =>
        replay.mutate(job.id, {
          onSuccess: () => notifications.show({ color: 'green', message: t('platform.jobs.replayed', { name: job.name }) }),
          onError: (error) => notifications.show({ color: 'red', message: errorText(error, t) }),
        })
      }
    >
      {t('platform.jobs.replay')}
    </Button>
  );
}

/** Support: the jobs that failed every attempt, why, for which business, and a replay once the cause is fixed. */
export function DeadJobsPage() {
  const { t, i18n } = useTranslation('admin');
  const [params, setParams] = useSearchParams();
  const [kind, setKind] = useState(params.get('name') ?? '');
  const [debounced] = useDebouncedValue(kind.trim(), 250);
  const jobs = useDeadJobs(debounced);
  const health = useTenantHealth();
  const names = new Map((health.data ?? []).map((row) => [row.tenant_id, row.name]));
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const onKind = (value: string) => {
    setKind(value);
    setParams(value.trim() === '' ? {} : { name: value.trim() }, { replace: true });
  };
  return (
    <Stack gap="md" data-testid="platform-jobs">
      <div>
        <Title order={1}>{t('platform.jobs.title')}</Title>
        <Text c="dimmed">{t('platform.jobs.intro')}</Text>
      </div>
      <TextInput label={t('platform.jobs.kind')} placeholder="notifications.deliver" value={kind} onChange={(event) => onKind(event.currentTarget.value)} maw={420} data-testid="job-kind" />
      {jobs.isPending && <Loader aria-label={t('loading')} />}
      {jobs.isError && (
        <Alert color="red" title={t('platform.loadFailed')}>
          {errorText(jobs.error, t)}
        </Alert>
      )}
      {jobs.isSuccess && jobs.data.length === 0 && (
        <Text c="dimmed" data-testid="no-dead-jobs">
          {debounced === '' ? t('platform.jobs.none') : t('platform.jobs.noneOfKind', { name: debounced })}
        </Text>
      )}
      {jobs.isSuccess && jobs.data.length > 0 && (
        <div className={classes.tableWrap} tabIndex={0} role="region" aria-label={t('platform.jobs.title')}>
          <table className={`${classes.table} ${classes.tenantTable}`}>
            <thead>
              <tr>
                <th>{t('platform.jobs.kind')}</th>
                <th>{t('platform.business')}</th>
                <th className={classes.number}>{t('platform.jobs.attempts')}</th>
                <th>{t('platform.jobs.lastError')}</th>
                <th>{t('platform.jobs.diedAt')}</th>
                <th>
                  <VisuallyHidden>{t('platform.actions')}</VisuallyHidden>
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.map((job) => (
                <tr key={job.id} data-testid="dead-job">
                  <td>
                    <code>{job.name}</code>
                  </td>
                  <td>{job.tenant_id === null ? t('platform.jobs.platformWide') : health.isPending ? '…' : (names.get(job.tenant_id) ?? job.tenant_id)}</td>
                  <td className={classes.number}>
                    {job.attempts}/{job.max_attempts}
                  </td>
                  <td className={classes.error}>{job.last_error ?? '—'}</td>
                  <td>{when.format(new Date(job.died_at))}</td>
                  <td>
                    <ReplayButton job={job} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Stack>
  );
}
