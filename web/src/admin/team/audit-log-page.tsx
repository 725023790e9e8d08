import './words.ts';
import { Alert, Button, Paper, Select, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { can, type Me } from '../session/use-session.ts';
import { ACTION_OPTIONS, actorWords, changeLine, deviceWords, ENTITY_OPTIONS, sentence, type Directory } from './audit-words.ts';
import classes from './team.module.css';
import { useAuditLog, useMembers, usePlans, useRoles, type AuditEntry, type AuditFilters } from './use-team.ts';
import { dateTime, memberName, relative, teamErrorText, type TeamT } from './words.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The local day's start as an instant ("2026-12-05" → its midnight in the browser's zone). */
function dayStart(date: string, plusDays = 0): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  return new Date(year, month - 1, day + plusDays).toISOString();
}

/** The API's filters from the URL's (dates as whole local days, the end day included). */
function apiFilters(params: URLSearchParams): { filters: AuditFilters; rangeInvalid: boolean } {
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const rangeInvalid = DATE.test(from) && DATE.test(to) && from > to;
  const filters: AuditFilters = {};
  for (const key of ['action', 'actor', 'entity_type'] as const) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  if (!rangeInvalid && DATE.test(from)) filters.from = dayStart(from);
  if (!rangeInvalid && DATE.test(to)) filters.to = dayStart(to, 1);
  return { filters, rangeInvalid };
}

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
  const activeCount = ['action', 'actor', 'entity_type', 'from', 'to'].filter((key) => params.get(key)).length;
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
            <TextInput type="date" label={t('team:audit.from')} value={params.get('from') ?? ''} onChange={(event) => set('from', event.currentTarget.value)} error={rangeInvalid ? t('team:audit.rangeInvalid') : undefined} data-testid="audit-filter-from" />
            <TextInput type="date" label={t('team:audit.to')} value={params.get('to') ?? ''} onChange={(event) => set('to', event.currentTarget.value)} data-testid="audit-filter-to" />
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
              <AuditRow key={entry.id} entry={entry} directory={directory} planName={planName} t={t} language={i18n.language} />
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

function AuditRow({ entry, directory, planName, t, language }: { entry: AuditEntry; directory: Directory; planName: (id: string) => string; t: TeamT; language: string }) {
  const [open, setOpen] = useState(false);
  const change = changeLine(entry, directory, t, planName);
  const device = deviceWords(entry.user_agent);
  const json = (value: unknown) => (value === null || value === undefined ? '—' : JSON.stringify(value, null, 2));
  const detailsId = `audit-details-${entry.id}`;
  return (
    <li className={classes.entry} data-testid="audit-entry" data-action={entry.action} data-entity-id={entry.entity_id ?? ''}>
      <div className={classes.entryHead}>
        <div>
          <Text className={classes.sentence} fw={500} data-testid="audit-sentence">
            {sentence(entry, directory, t)}
          </Text>
          {change && (
            <Text size="sm" data-testid="audit-change">
              {change}
            </Text>
          )}
          <div className={classes.meta}>
            {entry.ip && <span>{t('team:audit.from_where', { ip: entry.ip })}</span>}
            {device && <span>{device}</span>}
          </div>
        </div>
        <time className={classes.when} dateTime={entry.created_at} title={dateTime(entry.created_at, language)}>
          {relative(entry.created_at, language)}
        </time>
      </div>
      <Button variant="transparent" size="compact-sm" mt={4} px={0} onClick={() => setOpen((value) => !value)} aria-expanded={open} aria-controls={detailsId} data-testid="audit-toggle">
        {open ? t('team:audit.hideDetails') : t('team:audit.details')}
      </Button>
      {open && (
      <div id={detailsId} data-testid="audit-details">
        <div className={classes.detailGrid}>
          <div>
            <div className={classes.label}>{t('team:audit.before')}</div>
            <pre className={classes.code} tabIndex={0}>
              {json(entry.old_values)}
            </pre>
          </div>
          <div>
            <div className={classes.label}>{t('team:audit.after')}</div>
            <pre className={classes.code} tabIndex={0}>
              {json(entry.new_values)}
            </pre>
          </div>
        </div>
        <div className={classes.meta}>
          <span>
            {dateTime(entry.created_at, language)} · {actorWords(entry, directory, t)} · <code>{entry.action}</code>
          </span>
          {entry.user_agent && (
            <span>
              {t('team:audit.device')}: {entry.user_agent}
            </span>
          )}
          {entry.request_id && (
            <span>
              {t('team:audit.request')}: <code>{entry.request_id}</code>
            </span>
          )}
        </div>
      </div>
      )}
    </li>
  );
}
