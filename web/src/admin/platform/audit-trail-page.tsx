import '../team/words.ts';
import { Alert, Autocomplete, Button, Paper, Select, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { ApiError } from '@reservehub/api-client';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { can, type Me } from '../session/use-session.ts';
import { AuditEntryItem } from '../team/audit-entry.tsx';
import { AUDIT_FILTER_KEYS, apiFilters } from '../team/audit-filters.ts';
import { ACTION_OPTIONS, ENTITY_OPTIONS, type Directory } from '../team/audit-words.ts';
import teamClasses from '../team/team.module.css';
import { memberName, teamErrorText, type TeamT } from '../team/words.ts';
import classes from './platform.module.css';
import { useAuditTrail, useComplianceTenantList, useExportTrail, type TrailEntry, type TrailExportFormat } from './use-platform.ts';
import { DateField } from '../ui/date-field.tsx';

/** The platform's own log in the API's filter: the nil UUID. */
export const PLATFORM_LOG = '00000000-0000-0000-0000-000000000000';

/** What the platform's people do most, offered as the action filter's suggestions (any action may be typed). */
const PLATFORM_ACTIONS = [
  'platform.tenant_suspended',
  'platform.tenant_reactivated',
  'platform.tenant_plan_changed',
  'platform.tenant_maintenance_changed',
  'platform.maintenance_changed',
  'platform.impersonation_started',
  'billing.credit_granted',
  'compliance.audit_exported',
  'tenant.signed_up',
  'auth.login_failed',
] as const;

const ACTION_SUGGESTIONS = [...new Set<string>([...PLATFORM_ACTIONS, ...ACTION_OPTIONS])];

/** The business names the trail has shown so far, kept while the filters narrow what is loaded. */
function useSeenBusinesses(entries: readonly TrailEntry[]): Map<string, string> {
  const [seen, setSeen] = useState<Map<string, string>>(() => new Map());
  useEffect(() => {
    const fresh = entries.flatMap((entry) => (entry.tenant && !seen.has(entry.tenant.id) ? [[entry.tenant.id, entry.tenant.name] as const] : []));
    if (fresh.length > 0) setSeen((known) => new Map([...known, ...fresh]));
  }, [entries, seen]);
  return seen;
}

/** The words of a refused download: too many entries says how to narrow them; anything else, what the API said. */
function exportErrorText(error: unknown, t: TeamT, language: string): string {
  if (error instanceof ApiError && error.code === 'VALIDATION_ERROR' && typeof error.details === 'object' && error.details !== null && 'max_entries' in error.details) {
    return t('admin:platform.audit.tooMany', { max: new Intl.NumberFormat(language).format(Number(error.details.max_entries)) });
  }
  return teamErrorText(error, t);
}

/**
 * /platform/audit: every business's audit trail and the platform's own, for the platform's auditors
 * and administrators: filtered by business, action, record and dates (kept in the URL), read as
 * sentences with the raw record behind each, older entries page by page, and a download of
 * everything that matches.
 */
export function AuditTrailPage({ me }: { me: Me }) {
  const { t, i18n } = useTranslation(['team', 'admin']);
  const [params, setParams] = useSearchParams();
  const { filters: logFilters, rangeInvalid } = apiFilters(params);
  const tenantId = params.get('tenant_id');
  const filters = { ...logFilters, ...(tenantId ? { tenant_id: tenantId } : {}) };
  const trail = useAuditTrail(filters);
  const entries = useMemo(() => trail.data?.pages.flatMap((page) => page.items) ?? [], [trail.data]);
  const seen = useSeenBusinesses(entries);
  const tenantList = useComplianceTenantList();
  const download = useExportTrail();

  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  // The action is typed: the URL (and the query) follow once typing pauses.
  const [action, setAction] = useState(params.get('action') ?? '');
  const [debouncedAction] = useDebouncedValue(action.trim(), 300);
  useEffect(() => {
    if (debouncedAction !== (params.get('action') ?? '')) set('action', debouncedAction || null);
  }, [debouncedAction]);

  const businesses = new Map<string, string>([...seen, ...(tenantList.data ?? []).map((tenant) => [tenant.id, tenant.name] as const)]);
  const businessData = [
    { value: PLATFORM_LOG, label: t('admin:platform.audit.platformLogOption') },
    ...[...businesses].sort((a, b) => a[1].localeCompare(b[1], i18n.language)).map(([value, label]) => ({ value, label })),
    ...(tenantId && tenantId !== PLATFORM_LOG && !businesses.has(tenantId) ? [{ value: tenantId, label: tenantId }] : []),
  ];
  const activeCount = [...AUDIT_FILTER_KEYS, 'tenant_id'].filter((key) => params.get(key)).length;
  const filtered = activeCount > 0;
  const [filtersOpen, setFiltersOpen] = useState(false);

  const directory: Directory = useMemo(() => {
    // Each entry names the person who acted (name, else e-mail); an account since removed keeps its ID.
    const people = new Map(entries.map((entry) => [entry.actor.user_id, entry.actor.name ?? entry.actor.email] as const));
    return {
      members: new Map(),
      roles: new Map(),
      unknownPerson: (userId: string) =>
        me.user && userId === me.user.id ? memberName(me.user) : (people.get(userId) ?? t('admin:platform.audit.someone', { id: userId.slice(0, 8) })),
    };
  }, [entries, me.user, t]);
  const startDownload = (format: TrailExportFormat) =>
    download.mutate(
      { format, filters },
      { onSuccess: (name) => notifications.show({ color: 'green', message: t('admin:platform.audit.exported', { name }) }) },
    );

  return (
    <Stack gap="lg" className={teamClasses.page} data-testid="platform-audit">
      <div>
        <Title order={1}>{t('admin:platform.audit.title')}</Title>
        <Text c="dimmed" className={teamClasses.help}>
          {t('admin:platform.audit.intro')}
        </Text>
      </div>
      <Paper withBorder radius="md" p="md" className={teamClasses.card} component="section" aria-label={t('team:audit.filters')}>
        <Stack gap="sm">
          <Button variant="default" size="sm" className={teamClasses.filtersToggle} onClick={() => setFiltersOpen((value) => !value)} aria-expanded={filtersOpen} aria-controls="trail-filters" data-testid="trail-filters-toggle">
            {filtered ? t('team:audit.filtersOn', { count: activeCount }) : t('team:audit.filters')}
          </Button>
          <div className={teamClasses.filters} id="trail-filters" data-open={filtersOpen}>
            <Select
              label={t('admin:platform.audit.business')}
              placeholder={t('admin:platform.audit.anyBusiness')}
              data={businessData}
              value={tenantId}
              onChange={(value) => set('tenant_id', value)}
              clearable
              searchable
              nothingFoundMessage={t('admin:platform.audit.noBusiness')}
              data-testid="trail-filter-business"
            />
            <Autocomplete
              label={t('admin:platform.audit.action')}
              placeholder={t('admin:platform.audit.actionHint')}
              data={ACTION_SUGGESTIONS}
              value={action}
              onChange={setAction}
              data-testid="trail-filter-action"
            />
            <Select
              label={t('admin:platform.audit.entity')}
              placeholder={t('admin:platform.audit.anyEntity')}
              data={ENTITY_OPTIONS.map((value) => ({ value, label: t(`team:audit.entityFilter_${value}`) }))}
              value={params.get('entity_type')}
              onChange={(value) => set('entity_type', value)}
              clearable
              data-testid="trail-filter-entity"
            />
            <DateField label={t('team:audit.from')} value={params.get('from') ?? ''} onChange={(value) => set('from', value)} error={rangeInvalid ? t('team:audit.rangeInvalid') : undefined} clearable data-testid="trail-filter-from" />
            <DateField label={t('team:audit.to')} value={params.get('to') ?? ''} onChange={(value) => set('to', value)} clearable data-testid="trail-filter-to" />
          </div>
          {filtered && (
            <Button
              variant="subtle"
              size="xs"
              w="fit-content"
              onClick={() => {
                setAction('');
                setParams({}, { replace: true });
              }}
              data-testid="trail-clear"
            >
              {t('team:audit.clear')}
            </Button>
          )}
        </Stack>
      </Paper>
      {can(me, 'export', 'Compliance') && (
        <section className={classes.trailExport} aria-labelledby="trail-export-title">
          <div className={classes.trailExportButtons}>
            <Text size="sm" fw={600} id="trail-export-title" className={classes.trailExportTitle}>
              {t('admin:platform.audit.download')}
            </Text>
            <Button variant="default" size="sm" loading={download.isPending && download.variables.format === 'csv'} disabled={rangeInvalid} onClick={() => startDownload('csv')} aria-label={t('admin:platform.audit.exportCsv')} data-testid="trail-export-csv">
              CSV
            </Button>
            <Button variant="default" size="sm" loading={download.isPending && download.variables.format === 'jsonl'} disabled={rangeInvalid} onClick={() => startDownload('jsonl')} aria-label={t('admin:platform.audit.exportJsonl')} data-testid="trail-export-jsonl">
              JSON Lines
            </Button>
          </div>
          <Text size="xs" c="dimmed" className={classes.trailExportHelp}>
            {t('admin:platform.audit.exportHelp')}
          </Text>
        </section>
      )}
      {download.isError && (
        <Alert color="red" role="alert" title={t('admin:platform.audit.exportFailed')} withCloseButton closeButtonLabel={t('admin:closeNotice')} onClose={() => download.reset()} data-testid="trail-export-error">
          {exportErrorText(download.error, t, i18n.language)}
        </Alert>
      )}


      <section aria-label={t('admin:platform.audit.entries')} aria-busy={trail.isFetching}>
        {trail.isError ? (
          <Alert color="red" title={t('team:audit.loadFailed')} data-testid="trail-error">
            <Stack gap="xs" align="flex-start">
              <span>{teamErrorText(trail.error, t)}</span>
              <Button size="xs" variant="default" onClick={() => void trail.refetch()}>
                {t('team:team.retry')}
              </Button>
            </Stack>
          </Alert>
        ) : trail.isPending ? (
          <Stack gap={8} aria-label={t('admin:loading')} data-testid="trail-loading">
            <Skeleton h={72} />
            <Skeleton h={72} />
            <Skeleton h={72} />
          </Stack>
        ) : entries.length === 0 ? (
          <div className={teamClasses.empty} data-testid="trail-empty">
            {filtered ? t('team:audit.emptyFiltered') : t('team:audit.empty')}
          </div>
        ) : (
          <Stack gap="sm">
            <ul className={teamClasses.entries} data-testid="trail-entries">
              {entries.map((entry) => (
                <AuditEntryItem
                  key={entry.id}
                  entry={entry}
                  directory={directory}
                  planName={(id) => id}
                  t={t}
                  language={i18n.language}
                  context={<BusinessLine entry={entry} filtered={tenantId !== null} onlyThis={() => set('tenant_id', entry.tenant_id)} t={t} />}
                />
              ))}
            </ul>
            {trail.hasNextPage && (
              <Button variant="default" w="fit-content" onClick={() => void trail.fetchNextPage()} loading={trail.isFetchingNextPage} data-testid="trail-more">
                {t('team:audit.more')}
              </Button>
            )}
          </Stack>
        )}
      </section>
    </Stack>
  );
}

/** Where the entry was recorded: a business by name, or the platform's own log; and a way to read only that one. */
function BusinessLine({ entry, filtered, onlyThis, t }: { entry: TrailEntry; filtered: boolean; onlyThis: () => void; t: TeamT }) {
  const name = entry.tenant?.name ?? '';
  return (
    <div className={classes.businessLine} data-testid="trail-business" data-tenant-id={entry.tenant_id}>
      <span className={entry.tenant ? classes.businessName : classes.platformName}>{entry.tenant ? t('admin:platform.audit.inBusiness', { name }) : t('admin:platform.audit.onPlatform')}</span>
      {!filtered && (
        <Button variant="subtle" size="compact-xs" onClick={onlyThis} data-testid="trail-only-business">
          {entry.tenant ? t('admin:platform.audit.onlyThisBusiness', { name }) : t('admin:platform.audit.onlyPlatform')}
        </Button>
      )}
    </div>
  );
}
