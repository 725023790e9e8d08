import { Alert, Button, Group, NativeSelect, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import i18next from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useLocations } from '../desk/use-desk.ts';
import { can, type Me } from '../session/use-session.ts';
import { CloseRequestModal } from './close-request-modal.tsx';
import { ExtendRequestModal } from './extend-request-modal.tsx';
import privacyEn from './i18n/en.json';
import privacyEs from './i18n/es.json';
import { LogRequestModal } from './log-request-modal.tsx';
import { privacyErrorText } from './privacy-errors.ts';
import { deadlineOf } from './privacy-facts.ts';
import classes from './privacy.module.css';
import { RequestRow, type RequestAction } from './request-row.tsx';
import { RetentionCard } from './retention-card.tsx';
import { KINDS, useOpenRequests, useRequestList, VIEWS, type PrivacyKind, type PrivacyRequest, type RequestView } from './use-privacy.ts';

// The screen's words load with its chunk.
i18next.addResourceBundle('en', 'privacy', privacyEn, true, true);
i18next.addResourceBundle('es', 'privacy', privacyEs, true, true);

/** The filters in the address (`?status=overdue&kind=erasure`): unknown values read as none. */
function filtersOf(params: URLSearchParams): { view: RequestView; kind: PrivacyKind | null } {
  const status = params.get('status');
  const kind = params.get('kind');
  return {
    view: VIEWS.includes(status as RequestView) ? (status as RequestView) : 'open',
    kind: KINDS.includes(kind as PrivacyKind) ? (kind as PrivacyKind) : null,
  };
}

/** How many requests are open, overdue and due within a week: the first thing an owner needs to know. */
function Figures({ open, zone }: { open: ReturnType<typeof useOpenRequests>; zone: string }) {
  const { t } = useTranslation('privacy');
  if (open.isPending) return <Skeleton height={76} />;
  if (!open.data) return null;
  const states = open.data.map((request) => deadlineOf(request, zone).state);
  const overdue = states.filter((state) => state === 'overdue').length;
  const soon = states.filter((state) => state === 'soon' || state === 'today').length;
  return (
    <section className={classes.figures} aria-label={t('figures.label')} data-testid="privacy-figures">
      <div className={classes.figure}>
        <div className={classes.figureLabel}>{t('figures.open')}</div>
        <div className={classes.figureValue} data-testid="privacy-figure-open">
          {open.data.length}
        </div>
      </div>
      <div className={classes.figure} data-tone={overdue > 0 ? 'danger' : undefined}>
        <div className={classes.figureLabel}>{t('figures.overdue')}</div>
        <div className={classes.figureValue} data-testid="privacy-figure-overdue">
          {overdue}
        </div>
      </div>
      <div className={classes.figure}>
        <div className={classes.figureLabel}>{t('figures.soon')}</div>
        <div className={classes.figureValue} data-testid="privacy-figure-soon">
          {soon}
        </div>
      </div>
    </section>
  );
}

/** The list for the chosen view: every open request by due date, or a closed/overdue/all page by page. */
function RequestList({ view, kind, zone, onAction, onShowClosed, onClear }: {
  view: RequestView;
  kind: PrivacyKind | null;
  zone: string;
  onAction: (request: PrivacyRequest, verb: RequestAction) => void;
  onShowClosed: () => void;
  onClear: () => void;
}) {
  const { t } = useTranslation(['privacy', 'admin']);
  const open = useOpenRequests(kind, view === 'open');
  const paged = useRequestList(view === 'open' ? 'all' : view, kind, view !== 'open');
  const query = view === 'open' ? open : paged;
  const items = view === 'open' ? (open.data ?? []) : (paged.data?.pages.flatMap((page) => page.items) ?? []);
  const filtered = view !== 'open' || kind !== null;

  if (query.isError) {
    return (
      <Alert color="red" role="alert" title={t('list.loadFailed')}>
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{privacyErrorText(query.error, t)}</Text>
          <Button size="xs" variant="default" onClick={() => void query.refetch()}>
            {t('retry')}
          </Button>
        </Stack>
      </Alert>
    );
  }
  if (query.isPending) {
    return (
      <Stack gap="sm" aria-busy="true">
        <Skeleton height={96} />
        <Skeleton height={96} />
      </Stack>
    );
  }
  if (items.length === 0) {
    return (
      <Paper withBorder p="lg" radius="md" data-testid="privacy-empty">
        <Stack gap="xs" align="flex-start">
          <Text fw={600}>{filtered ? t('list.emptyFiltered') : t('list.empty')}</Text>
          {!filtered && (
            <Text size="sm" c="dimmed">
              {t('list.emptyHint')}
            </Text>
          )}
          {filtered ? (
            <Button size="xs" variant="default" onClick={onClear}>
              {t('filters.clear')}
            </Button>
          ) : (
            <Button size="xs" variant="default" onClick={onShowClosed} data-testid="privacy-show-closed">
              {t('list.showClosed')}
            </Button>
          )}
        </Stack>
      </Paper>
    );
  }
  return (
    <section aria-label={t('list.label')} aria-busy={query.isFetching}>
      <ul className={classes.list} data-testid="privacy-requests">
        {items.map((request) => (
          <RequestRow key={request.id} request={request} zone={zone} onAction={onAction} />
        ))}
      </ul>
      {view !== 'open' && paged.hasNextPage && (
        <Button variant="default" mt="md" onClick={() => void paged.fetchNextPage()} loading={paged.isFetchingNextPage} data-testid="privacy-more">
          {t('list.more')}
        </Button>
      )}
      {view === 'open' && (
        <Group gap="xs" mt="md">
          <Text size="sm" c="dimmed">
            {t('list.closedHint')}
          </Text>
          <Button size="compact-sm" variant="subtle" onClick={onShowClosed} data-testid="privacy-show-closed">
            {t('list.showClosed')}
          </Button>
        </Group>
      )}
    </section>
  );
}

/**
 * /admin/customers/privacy: the business's register of GDPR requests (open ones first, by how near
 * their one-month deadline is; closed ones on demand), logging one that came in by e-mail, phone or
 * post, answering or refusing it in the business's words; and, for owners, how long guests and
 * consent evidence are kept.
 */
export default function PrivacyPage({ me }: { me: Me }) {
  const { t } = useTranslation(['privacy', 'admin']);
  const [params, setParams] = useSearchParams();
  const { view, kind } = filtersOf(params);
  const mayUse = can(me, 'export', 'Customer');
  const locations = useLocations();
  const zone = locations.data?.[0]?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const allOpen = useOpenRequests(null, mayUse);
  const [logging, setLogging] = useState(false);
  const [closing, setClosing] = useState<{ request: PrivacyRequest; verb: RequestAction } | null>(null);

  const set = (key: 'status' | 'kind', value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  if (!mayUse) {
    return (
      <Paper withBorder p="lg" radius="md" data-testid="privacy-not-for-you">
        <Text>{t('notForYou')}</Text>
      </Paper>
    );
  }

  return (
    <Stack gap="lg" data-testid="privacy-page">
      <Group justify="space-between" align="flex-end" className={classes.header}>
        <Stack gap={4} className={classes.heading}>
          <Title order={1} size="h2">
            {t('title')}
          </Title>
          <Text c="dimmed">{t('intro')}</Text>
        </Stack>
        {!me.read_only && (
          <Button onClick={() => setLogging(true)} data-testid="privacy-log-open">
            {t('log.open')}
          </Button>
        )}
      </Group>
      <div className={classes.columns}>
        <div className={classes.main}>
          <Figures open={allOpen} zone={zone} />
          <div className={classes.filters} role="group" aria-label={t('filters.label')}>
            <NativeSelect
              label={t('filters.view')}
              data={VIEWS.map((value) => ({ value, label: t(`filters.views.${value}`) }))}
              value={view}
              onChange={(event) => set('status', event.currentTarget.value === 'open' ? null : event.currentTarget.value)}
              data-testid="privacy-filter-status"
            />
            <NativeSelect
              label={t('filters.kind')}
              data={[{ value: '', label: t('filters.anyKind') }, ...KINDS.map((value) => ({ value, label: t(`kind.${value}`) }))]}
              value={kind ?? ''}
              onChange={(event) => set('kind', event.currentTarget.value || null)}
              data-testid="privacy-filter-kind"
            />
          </div>
          <RequestList
            view={view}
            kind={kind}
            zone={zone}
            onAction={(request, verb) => setClosing({ request, verb })}
            onShowClosed={() => set('status', 'all')}
            onClear={() => setParams({}, { replace: true })}
          />
        </div>
        <div className={classes.side}>
          <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="deadline-title" data-testid="privacy-deadline">
            <Stack gap="xs">
              <Title order={2} size="h4" id="deadline-title">
                {t('deadline.title')}
              </Title>
              <Text size="sm">{t('deadline.body')}</Text>
              <Text size="sm" c="dimmed">
                {t('deadline.free')}
              </Text>
            </Stack>
          </Paper>
          {can(me, 'update', 'Settings') && me.tenant && <RetentionCard tenantId={me.tenant.id} />}
        </div>
      </div>
      {logging && <LogRequestModal zone={zone} onClose={() => setLogging(false)} />}
      {closing?.verb === 'extend' && <ExtendRequestModal key={closing.request.id} request={closing.request} zone={zone} onClose={() => setClosing(null)} />}
      {closing && closing.verb !== 'extend' && (
        <CloseRequestModal key={closing.request.id + closing.verb} request={closing.request} verb={closing.verb} zone={zone} onClose={() => setClosing(null)} />
      )}
    </Stack>
  );
}
