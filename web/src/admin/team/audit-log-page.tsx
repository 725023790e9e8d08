import './words.ts';
import { Alert, Button, Paper, Select, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { can, type Me } from '../session/use-session.ts';
import { AuditEntryItem } from './audit-entry.tsx';
import { AUDIT_FILTER_KEYS, apiFilters } from './audit-filters.ts';
import { ACTION_OPTIONS, ENTITY_OPTIONS, type Directory } from './audit-words.ts';
import classes from './team.module.css';
import { useAuditLog, useMembers, usePlans, useRoles } from './use-team.ts';
import { memberName, teamErrorText } from './words.ts';
import { DateField } from '../ui/date-field.tsx';

/** /admin/settings/audit-log: every change, filtered by what, who, on what and when (kept in the URL). */
export default function AuditLogPage({ me }: { me: Me }) {
  const { t, i18n } = useTranslation(['team', 'admin']);
  const [params, setParams] = useSearchParams();
  const { filters, rangeInvalid } = apiFilters(params);
  const log = useAuditLog(filters);
  const members = useMembers(can(me, 'read', 'User'));
  const roles = useRoles(can(me, 'read', 'Role'));
  const plans = usePlans();
  const directory: Directory = useMemo(
    () => ({ members: new Map((members.data ?? []).map((member) => [member.id, member])), roles: new Map((roles.data ?? []).map((role) => [role.id, role])) }),
    [members.data, roles.data],
  );
  const planName = (id: string) => plans.data?.find((plan) => plan.id === id)?.name ?? id;
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const activeCount = AUDIT_FILTER_KEYS.filter((key) => params.get(key)).length;
  const filtered = activeCount > 0;
  const [filtersOpen, setFiltersOpen] = useState(false);
  const entries = log.data?.pages.flatMap((page) => page.items) ?? [];
  const action = params.get('action');
  const actionData = [...ACTION_OPTIONS.map((value) => ({ value, label: t(`team:audit.actionOption_${value}`) })), ...(action && !(ACTION_OPTIONS as readonly string[]).includes(action) ? [{ value: action, label: action }] : [])];
  const actor = params.get('actor');
  const actorData = (members.data ?? []).map((member) => ({ value: member.id, label: memberName(member) }));
  if (actor && !actorData.some((option) => option.value === actor)) actorData.push({ value: actor, label: t('team:audit.formerMember') });
  return (
    <Stack gap="lg" className={classes.page} data-testid="audit-page">
      <div>
        <Title order={1} size="h2">
          {t('team:audit.title')}
        </Title>
        <Text size="sm" c="dimmed" className={classes.help}>
          {t('team:audit.intro')}
        </Text>
      </div>
      <Paper withBorder radius="md" p="md" className={classes.card} component="section" aria-label={t('team:audit.filters')}>
        <Stack gap="sm">
          <Button variant="default" size="sm" className={classes.filtersToggle} onClick={() => setFiltersOpen((value) => !value)} aria-expanded={filtersOpen} aria-controls="audit-filters" data-testid="audit-filters-toggle">
            {filtered ? t('team:audit.filtersOn', { count: activeCount }) : t('team:audit.filters')}
          </Button>
          <div className={classes.filters} id="audit-filters" data-open={filtersOpen}>
            <Select label={t('team:audit.action')} placeholder={t('team:audit.anyAction')} data={actionData} value={action} onChange={(value) => set('action', value)} clearable searchable data-testid="audit-filter-action" />
            <Select label={t('team:audit.actor')} placeholder={t('team:audit.anyone')} data={actorData} value={actor} onChange={(value) => set('actor', value)} clearable searchable data-testid="audit-filter-actor" />
            <Select
              label={t('team:audit.entity')}
              placeholder={t('team:audit.anything')}
              data={ENTITY_OPTIONS.map((value) => ({ value, label: t(`team:audit.entityFilter_${value}`) }))}
              value={params.get('entity_type')}
              onChange={(value) => set('entity_type', value)}
              clearable
              data-testid="audit-filter-entity"
            />
            <DateField label={t('team:audit.from')} value={params.get('from') ?? ''} onChange={(value) => set('from', value)} error={rangeInvalid ? t('team:audit.rangeInvalid') : undefined} clearable data-testid="audit-filter-from" />
            <DateField label={t('team:audit.to')} value={params.get('to') ?? ''} onChange={(value) => set('to', value)} clearable data-testid="audit-filter-to" />
          </div>
          {filtered && (
            <Button variant="subtle" size="xs" w="fit-content" onClick={() => setParams({}, { replace: true })} data-testid="audit-clear">
              {t('team:audit.clear')}
            </Button>
          )}
        </Stack>
      </Paper>
      {log.isError ? (
        <Alert color="red" title={t('team:audit.loadFailed')}>
          <Stack gap="xs" align="flex-start">
            <span>{teamErrorText(log.error, t)}</span>
            <Button size="xs" variant="default" onClick={() => void log.refetch()}>
              {t('team:team.retry')}
            </Button>
          </Stack>
        </Alert>
      ) : log.isPending ? (
        <Stack gap={8}>
          <Skeleton h={64} />
          <Skeleton h={64} />
          <Skeleton h={64} />
        </Stack>
      ) : entries.length === 0 ? (
        <div className={classes.empty} data-testid="audit-empty">
          {filtered ? t('team:audit.emptyFiltered') : t('team:audit.empty')}
        </div>
      ) : (
        <Stack gap="sm">
          <ul className={classes.entries} data-testid="audit-entries" aria-busy={log.isFetching}>
            {entries.map((entry) => (
              <AuditEntryItem key={entry.id} entry={entry} directory={directory} planName={planName} t={t} language={i18n.language} />
            ))}
          </ul>
          {log.hasNextPage && (
            <Button variant="default" w="fit-content" onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage} data-testid="audit-more">
              {t('team:audit.more')}
            </Button>
          )}
        </Stack>
      )}
    </Stack>
  );
}
