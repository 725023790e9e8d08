import { Alert, Anchor, Button, Paper, Select, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import teamClasses from '../team/team.module.css';
import { ToneBadge, type Tone } from '../ui/tone-badge.tsx';
import classes from './compliance.module.css';
import { Figure } from './compliance-figure.tsx';
import { COMPLIANCE_NAMESPACES, apiErrorText, dayOf, dueText, type ComplianceT } from './compliance-words.ts';
import {
  PRIVACY_KINDS,
  PRIVACY_STATUS_FILTERS,
  usePrivacyRequests,
  usePrivacySummary,
  type PrivacyFilters,
  type PrivacyKind,
  type PrivacyRequest,
  type PrivacyStatusFilter,
  type PrivacySummary,
} from './use-compliance.ts';
import { useComplianceTenantList } from './use-platform.ts';

const FILTER_KEYS = ['tenant_id', 'status', 'kind'] as const;

/** The filters in the URL, kept only when the API knows them (a hand-edited address falls back to "any"). */
function filtersOf(params: URLSearchParams): PrivacyFilters {
  const status = params.get('status');
  const kind = params.get('kind');
  const tenantId = params.get('tenant_id');
  return {
    ...(tenantId ? { tenant_id: tenantId } : {}),
    ...(PRIVACY_STATUS_FILTERS.includes(status as PrivacyStatusFilter) ? { status: status as PrivacyStatusFilter } : {}),
    ...(PRIVACY_KINDS.includes(kind as PrivacyKind) ? { kind: kind as PrivacyKind } : {}),
  };
}

/**
 * /platform/privacy: every business's GDPR requests for the platform's auditors and administrators — the
 * figures that matter (open, overdue, answered and refused lately), filters by business, status and kind kept in
 * the URL, and the requests as rows that say what was asked, how, when, by when, and how it ended.
 */
export function PrivacyRequestsPage() {
  const { t, i18n } = useTranslation(COMPLIANCE_NAMESPACES);
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const requests = usePrivacyRequests(filters);
  const summary = usePrivacySummary(filters.tenant_id);
  const tenantList = useComplianceTenantList();
  const rows = useMemo(() => requests.data?.pages.flatMap((page) => page.items) ?? [], [requests.data]);
  const [filtersOpen, setFiltersOpen] = useState(false);

  const set = (key: (typeof FILTER_KEYS)[number], value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const businesses = (tenantList.data ?? []).map((tenant) => ({ value: tenant.id, label: tenant.name })).sort((a, b) => a.label.localeCompare(b.label, i18n.language));
  const unknownChosen = filters.tenant_id && !businesses.some((business) => business.value === filters.tenant_id);
  const businessData = unknownChosen ? [...businesses, { value: filters.tenant_id ?? '', label: filters.tenant_id ?? '' }] : businesses;
  const activeCount = FILTER_KEYS.filter((key) => params.get(key)).length;
  const chosenName = businesses.find((business) => business.value === filters.tenant_id)?.label;

  return (
    <Stack gap="lg" className={teamClasses.page} data-testid="platform-privacy">
      <div>
        <Title order={1}>{t('compliance:privacy.title')}</Title>
        <Text c="dimmed" className={teamClasses.help}>
          {t('compliance:privacy.intro')}
        </Text>
      </div>

      <section aria-labelledby="privacy-figures-title">
        <Text id="privacy-figures-title" size="sm" fw={600} mb={8}>
          {t('compliance:privacy.figures')} · {filters.tenant_id ? (chosenName ?? filters.tenant_id) : t('compliance:privacy.figuresAll')}
        </Text>
        <Figures summary={summary.data} failed={summary.isError} t={t} language={i18n.language} />
      </section>

      <Paper withBorder radius="md" p="md" className={teamClasses.card} component="section" aria-label={t('compliance:privacy.filters')}>
        <Stack gap="sm">
          <Button variant="default" size="sm" className={teamClasses.filtersToggle} onClick={() => setFiltersOpen((value) => !value)} aria-expanded={filtersOpen} aria-controls="privacy-filters" data-testid="privacy-filters-toggle">
            {activeCount > 0 ? t('compliance:privacy.filtersOn', { count: activeCount }) : t('compliance:privacy.filters')}
          </Button>
          <div className={classes.filters} id="privacy-filters" data-open={filtersOpen}>
            <Select
              label={t('compliance:privacy.business')}
              placeholder={t('compliance:privacy.anyBusiness')}
              data={businessData}
              value={filters.tenant_id ?? null}
              onChange={(value) => set('tenant_id', value)}
              clearable
              searchable
              nothingFoundMessage={t('compliance:privacy.noBusiness')}
              data-testid="privacy-filter-business"
            />
            <Select
              label={t('compliance:privacy.status')}
              placeholder={t('compliance:privacy.anyStatus')}
              data={PRIVACY_STATUS_FILTERS.map((value) => ({ value, label: t(`compliance:privacy.statusFilter.${value}`) }))}
              value={filters.status ?? null}
              onChange={(value) => set('status', value)}
              clearable
              data-testid="privacy-filter-status"
            />
            <Select
              label={t('compliance:privacy.kind')}
              placeholder={t('compliance:privacy.anyKind')}
              data={PRIVACY_KINDS.map((value) => ({ value, label: t(`compliance:kind.${value}`) }))}
              value={filters.kind ?? null}
              onChange={(value) => set('kind', value)}
              clearable
              data-testid="privacy-filter-kind"
            />
          </div>
          {activeCount > 0 && (
            <Button variant="subtle" size="xs" w="fit-content" onClick={() => setParams({}, { replace: true })} data-testid="privacy-clear">
              {t('compliance:privacy.clear')}
            </Button>
          )}
        </Stack>
      </Paper>

      <section aria-label={t('compliance:privacy.requests')} aria-busy={requests.isFetching}>
        {requests.isError ? (
          <Alert color="red" title={t('compliance:privacy.loadFailed')} data-testid="privacy-error">
            <Stack gap="xs" align="flex-start">
              <span>{apiErrorText(requests.error, t)}</span>
              <Button size="xs" variant="default" onClick={() => void requests.refetch()}>
                {t('compliance:privacy.retry')}
              </Button>
            </Stack>
          </Alert>
        ) : requests.isPending ? (
          <Stack gap={8} aria-label={t('admin:loading')} data-testid="privacy-loading">
            <Skeleton h={84} />
            <Skeleton h={84} />
            <Skeleton h={84} />
          </Stack>
        ) : rows.length === 0 ? (
          <div className={teamClasses.empty} data-testid="privacy-empty">
            {activeCount > 0 ? t('compliance:privacy.emptyFiltered') : t('compliance:privacy.empty')}
          </div>
        ) : (
          <Stack gap="sm">
            <ul className={classes.requests} data-testid="privacy-requests">
              {rows.map((request) => (
                <RequestRow key={request.id} request={request} t={t} language={i18n.language} />
              ))}
            </ul>
            {requests.hasNextPage && (
              <Button variant="default" w="fit-content" onClick={() => void requests.fetchNextPage()} loading={requests.isFetchingNextPage} data-testid="privacy-more">
                {t('compliance:privacy.more')}
              </Button>
            )}
          </Stack>
        )}
      </section>
    </Stack>
  );
}

/** The four figures: open and overdue now (overdue stands out when there are any), answered and refused in 30 days. */
function Figures({ summary, failed, t, language }: { summary: PrivacySummary | undefined; failed: boolean; t: ComplianceT; language: string }) {
  if (failed) {
    return (
      <Text size="sm" c="red.8" data-testid="privacy-figures-error">
        {t('compliance:privacy.figuresFailed')}
      </Text>
    );
  }
  const number = new Intl.NumberFormat(language);
  const value = (count: number | undefined) => (count === undefined ? '…' : number.format(count));
  const overdue = summary?.overdue ?? 0;
  return (
    <div className={classes.figures} data-testid="privacy-figures" aria-busy={summary === undefined}>
      <Figure label={t('compliance:privacy.open')} value={value(summary?.open)} hint={t('compliance:privacy.openHint')} testId="privacy-open" />
      <Figure
        label={t('compliance:privacy.overdue')}
        value={value(summary?.overdue)}
        hint={overdue > 0 ? t('compliance:privacy.overdueHint') : t('compliance:privacy.overdueNone')}
        alert={overdue > 0}
        testId="privacy-overdue"
      />
      <Figure label={t('compliance:privacy.completed')} value={value(summary?.completed_30d)} hint={t('compliance:privacy.last30')} testId="privacy-completed" />
      <Figure label={t('compliance:privacy.refused')} value={value(summary?.refused_30d)} hint={t('compliance:privacy.last30')} testId="privacy-refused" />
    </div>
  );
}

const STATUS_TONE: Record<'open' | 'overdue' | 'completed' | 'refused', Tone> = { open: 'info', overdue: 'danger', completed: 'positive', refused: 'neutral' };

/** One request: the business, what was asked and how, when it came in and by when it is due (or how it ended). */
function RequestRow({ request, t, language }: { request: PrivacyRequest; t: ComplianceT; language: string }) {
  const status = request.overdue ? 'overdue' : request.status;
  const business = request.tenant?.name ?? t('compliance:privacy.unknownBusiness', { id: request.tenant_id.slice(0, 8) });
  return (
    <li className={classes.request} data-testid="privacy-request" data-status={status} data-kind={request.kind} data-tenant-id={request.tenant_id}>
      <div className={classes.requestWhat}>
        <Anchor component={Link} to={`/platform/compliance-report?tenant_id=${request.tenant_id}`} className={classes.requestBusiness} size="sm" aria-label={t('compliance:privacy.reportOf', { name: business })} data-testid="privacy-business">
          {business}
        </Anchor>
        <span className={classes.requestKind} data-testid="privacy-kind">
          {t(`compliance:kind.${request.kind}`)}
        </span>
        <span className={classes.muted} data-testid="privacy-channel">
          {t(`compliance:channel.${request.channel}`)}
        </span>
      </div>
      <div className={classes.requestWhen}>
        <span>{t('compliance:privacy.received', { date: dayOf(request.received_at, language) })}</span>
        {request.status === 'open' ? (
          <span className={request.overdue ? classes.dueLate : undefined} data-testid="privacy-due" title={t('compliance:privacy.dueOn', { date: dayOf(request.due_at, language) })}>
            {dueText(request, t)} · {t('compliance:privacy.dueOn', { date: dayOf(request.due_at, language) })}
          </span>
        ) : (
          <span className={classes.muted} data-testid="privacy-closed">
            {t(request.status === 'completed' ? 'compliance:privacy.answeredOn' : 'compliance:privacy.refusedOn', { date: dayOf(request.completed_at ?? request.due_at, language) })}
          </span>
        )}
      </div>
      <div className={classes.requestStatus}>
        <ToneBadge tone={STATUS_TONE[status]} testId="privacy-status">
          {t(`compliance:status.${status}`)}
        </ToneBadge>
      </div>
      {request.outcome && (
        <p className={classes.requestOutcome} data-testid="privacy-outcome">
          <span className={classes.outcomeLabel}>{t('compliance:privacy.outcome')}</span> {request.outcome}
        </p>
      )}
    </li>
  );
}
