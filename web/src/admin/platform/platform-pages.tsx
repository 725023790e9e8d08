import { Alert, Anchor, Button, Group, Loader, Modal, Stack, Text, Textarea, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { formatBps, formatMoney } from '../reports/format.ts';
import { ToneBadge, type Tone } from '../ui/tone-badge.tsx';
import { errorText } from '../ui/error-text.ts';
import classes from './platform.module.css';
import { MaintenanceCard } from './maintenance-card.tsx';
import { usePlatformKpis, usePlatformMaintenance, useTenantHealth, useTenantStatus, type TenantHealth } from './use-platform.ts';

/** The month so far, in UTC: the period the platform's figures are read for. */
export function monthToDate(now: Date = new Date()): { from: string; to: string } {
  const to = now.toISOString().slice(0, 10);
  return { from: `${to.slice(0, 8)}01`, to };
}

/** The band a churn-risk score falls in (the same cut-offs as the KPIs' distribution). */
export function riskBand(score: number): { band: 'low' | 'medium' | 'high'; tone: Tone } {
  if (score >= 70) return { band: 'high', tone: 'danger' };
  if (score >= 40) return { band: 'medium', tone: 'warning' };
  return { band: 'low', tone: 'positive' };
}

function Card({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId: string }) {
  return (
    <div className={classes.card} data-testid={testId}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <div className={classes.cardValue} data-testid={`${testId}-value`}>
        {value}
      </div>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </div>
  );
}

/** The platform's headline figures: MRR and ARR per currency, tenants, retention, volume and churn-risk spread. */
export function PlatformOverviewPage() {
  const { t, i18n } = useTranslation('admin');
  const locale = i18n.language;
  const period = useMemo(() => monthToDate(), []);
  const kpis = usePlatformKpis(period.from, period.to);
  const maintenance = usePlatformMaintenance();
  if (kpis.isPending) return <Loader aria-label={t('loading')} />;
  if (kpis.isError) {
    return (
      <Alert color="red" title={t('platform.loadFailed')}>
        <Text size="sm">{errorText(kpis.error, t)}</Text>
        <Button mt="sm" size="xs" variant="default" onClick={() => void kpis.refetch()}>
          {t('platform.retry')}
        </Button>
      </Alert>
    );
  }
  const data = kpis.data;
  const risk = data.churn_risk_distribution;
  const riskTotal = risk.low + risk.medium + risk.high;
  return (
    <Stack gap="lg" data-testid="platform-overview">
      <div>
        <Title order={1}>{t('platform.overview')}</Title>
        <Text c="dimmed">{t('platform.monthToDate', { from: period.from, to: period.to })}</Text>
      </div>
      <div className={classes.cards}>
        {data.mrr.length === 0 && <Card label={t('platform.mrr')} value="—" hint={t('platform.noPaying')} testId="kpi-mrr" />}
        {data.mrr.map((row) => (
          <Card
            key={row.currency}
            label={`${t('platform.mrr')} · ${row.currency}`}
            value={formatMoney(locale, row.mrr, row.currency)}
            hint={t('platform.arr', { amount: formatMoney(locale, row.arr, row.currency) })}
            testId={`kpi-mrr-${row.currency.toLowerCase()}`}
          />
        ))}
        <Card
          label={t('platform.tenants')}
          value={String(data.tenants.total)}
          hint={t('platform.tenantsHint', { active: data.tenants.active, paying: data.tenants.paying })}
          testId="kpi-tenants"
        />
        <Card label={t('platform.withBookings')} value={String(data.tenants.with_bookings_in_period)} testId="kpi-with-bookings" />
        {data.movements.map((row) => (
          <Card
            key={row.currency}
            label={`${t('platform.nrr')} · ${row.currency}`}
            value={formatBps(locale, row.net_revenue_retention_bps)}
            hint={t('platform.movements', {
              new: formatMoney(locale, row.new_mrr, row.currency),
              churned: formatMoney(locale, row.churned_mrr, row.currency),
            })}
            testId={`kpi-nrr-${row.currency.toLowerCase()}`}
          />
        ))}
      </div>

      <section aria-labelledby="risk-title">
        <Title order={2} size="h3" id="risk-title" mb="xs">
          {t('platform.riskSpread')}
        </Title>
        {riskTotal > 0 && (
          // SVG geometry, not inline styles: the page's CSP refuses those.
          <svg className={classes.riskBar} viewBox={`0 0 ${riskTotal} 1`} preserveAspectRatio="none" aria-hidden="true">
            <rect className={classes.riskLow} x={0} y={0} width={risk.low} height={1} />
            <rect className={classes.riskMedium} x={risk.low} y={0} width={risk.medium} height={1} />
            <rect className={classes.riskHigh} x={risk.low + risk.medium} y={0} width={risk.high} height={1} />
          </svg>
        )}
        <Group gap="md" mt="xs" data-testid="risk-spread">
          <ToneBadge tone="positive">{t('platform.risk.low', { count: risk.low })}</ToneBadge>
          <ToneBadge tone="warning">{t('platform.risk.medium', { count: risk.medium })}</ToneBadge>
          <ToneBadge tone="danger">{t('platform.risk.high', { count: risk.high })}</ToneBadge>
        </Group>
      </section>

      <section aria-labelledby="plans-title">
        <Title order={2} size="h3" id="plans-title" mb="xs">
          {t('platform.byPlan')}
        </Title>
        {data.mrr.length === 0 ? (
          <Text c="dimmed">{t('platform.noPaying')}</Text>
        ) : (
          <div className={classes.tableWrap} tabIndex={0} role="region" aria-labelledby="plans-title">
            <table className={classes.table}>
              <thead>
                <tr>
                  <th>{t('platform.plan')}</th>
                  <th className={classes.number}>{t('platform.tenants')}</th>
                  <th className={classes.number}>{t('platform.mrr')}</th>
                  <th className={classes.number}>ARR</th>
                </tr>
              </thead>
              <tbody>
                {data.mrr.flatMap((currency) =>
                  currency.by_plan.map((plan) => (
                    <tr key={`${currency.currency}-${plan.plan_id}`}>
                      <td>{plan.plan_id}</td>
                      <td className={classes.number}>{plan.tenants}</td>
                      <td className={classes.number}>{formatMoney(locale, plan.mrr, currency.currency)}</td>
                      <td className={classes.number}>{formatMoney(locale, plan.arr, currency.currency)}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {maintenance.data && <MaintenanceCard state={maintenance.data} />}
    </Stack>
  );
}

/** Asks for the reason, then suspends (or reactivates) one business. */
export function StatusAction({ tenant }: { tenant: Pick<TenantHealth, 'tenant_id' | 'name' | 'status'> }) {
  const { t } = useTranslation('admin');
  const [opened, { open, close }] = useDisclosure(false);
  const [reason, setReason] = useState('');
  const change = useTenantStatus();
  const suspended = tenant.status === 'suspended';
  const done = (key: string) => {
    notifications.show({ color: 'green', message: t(key, { name: tenant.name }) });
    close();
    setReason('');
  };
  const fail = (error: unknown) => notifications.show({ color: 'red', message: errorText(error, t) });
  if (suspended) {
    return (
      <Button
        size="xs"
        variant="default"
        loading={change.isPending}
        onClick={() => change.mutate({ id: tenant.tenant_id, action: 'reactivate' }, { onSuccess: () => done('platform.reactivated'), onError: fail })}
        data-testid="reactivate-tenant"
      >
        {t('platform.reactivate')}
      </Button>
    );
  }
  return (
    <>
      <Button size="xs" variant="default" color="red" onClick={open} data-testid="suspend-tenant">
        {t('platform.suspend')}
      </Button>
      {/* lockScroll off: Mantine's scroll lock writes a <style> element, which the page's CSP refuses. */}
      <Modal
        opened={opened}
        onClose={close}
        title={t('platform.suspendTitle', { name: tenant.name })}
        centered
        lockScroll={false}
        closeButtonProps={{ 'aria-label': t('platform.cancel') }}
      >
        <Stack>
          <Text size="sm">{t('platform.suspendExplain')}</Text>
          <Textarea
            label={t('platform.reason')}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            minRows={2}
            required
            data-testid="suspend-reason"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('platform.cancel')}
            </Button>
            <Button
              color="red"
              disabled={reason.trim().length < 3}
              loading={change.isPending}
              onClick={() => change.mutate({ id: tenant.tenant_id, action: 'suspend', reason: reason.trim() }, { onSuccess: () => done('platform.suspended'), onError: fail })}
              data-testid="confirm-suspend"
            >
              {t('platform.suspend')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

type RiskFactor = TenantHealth['churn_risk']['factors'][number];

/** A factor's figures in words of the screen's language (the server's `detail` is English only). */
export function factorDetailKey(factor: RiskFactor): { key: string; values: Record<string, number> } {
  const figure = (name: string) => factor.figures[name] ?? null;
  switch (factor.factor) {
    case 'usage_trend':
      return { key: 'platform.detail.usage_trend', values: { last: figure('last_30_days') ?? 0, previous: figure('previous_30_days') ?? 0 } };
    case 'failed_payments':
      return { key: figure('past_due') === 1 ? 'platform.detail.past_due' : 'platform.detail.paid_up', values: {} };
    case 'admin_logins': {
      const days = figure('days_since_admin_activity');
      return days === null ? { key: 'platform.detail.no_admin_activity', values: {} } : { key: 'platform.detail.admin_logins', values: { count: days } };
    }
    case 'feature_adoption':
      return { key: 'platform.detail.feature_adoption', values: { used: figure('features_used') ?? 0, available: figure('features_available') ?? 0 } };
    case 'support_load': {
      const requests = figure('support_requests_30_days');
      return requests === null ? { key: 'platform.detail.no_support_data', values: {} } : { key: 'platform.detail.support_load', values: { count: requests } };
    }
  }
}

/** The factors that add to a business's risk, each with its figures in words. */
export function RiskFactorList({ factors }: { factors: RiskFactor[] }) {
  const { t } = useTranslation('admin');
  return (
    <ul className={classes.factors} data-testid="risk-factors">
      {factors.map((factor) => (
        <li key={factor.factor}>
          <strong>{t(`platform.factor.${factor.factor}`)}</strong> · {factor.risk}/100: {t(factorDetailKey(factor).key, factorDetailKey(factor).values)}
        </li>
      ))}
    </ul>
  );
}

/** The factor that weighs most in a business's risk (the one the advised action answers), if any. */
export function topFactor(row: TenantHealth): TenantHealth['churn_risk']['factors'][number]['factor'] | null {
  if (row.churn_risk.recommended_action === null) return null;
  const measured = row.churn_risk.factors.filter((factor) => factor.risk !== null && factor.risk > 0);
  const top = [...measured].sort((a, b) => (b.risk ?? 0) * b.weight_bps - (a.risk ?? 0) * a.weight_bps)[0];
  return top?.factor ?? null;
}

/** Businesses by churn risk, searchable, each with the factors behind its score and the action advised. */
export function PlatformTenantsPage() {
  const { t, i18n } = useTranslation('admin');
  const locale = i18n.language;
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [debounced] = useDebouncedValue(search, 200);
  const health = useTenantHealth();
  const needle = debounced.trim().toLowerCase();
  const rows = (health.data ?? []).filter((row) => needle === '' || row.name.toLowerCase().includes(needle) || row.plan_id.toLowerCase().includes(needle));
  const onSearch = (value: string) => {
    setSearch(value);
    setParams(value.trim() === '' ? {} : { q: value.trim() }, { replace: true });
  };
  return (
    <Stack gap="md" data-testid="platform-tenants">
      <div>
        <Title order={1}>{t('platform.tenantsTitle')}</Title>
        <Text c="dimmed">{t('platform.tenantsIntro')}</Text>
      </div>
      <TextInput
        label={t('platform.search')}
        placeholder={t('platform.searchHint')}
        value={search}
        onChange={(event) => onSearch(event.currentTarget.value)}
        maw={420}
        data-testid="tenant-search"
      />
      {health.isPending && <Loader aria-label={t('loading')} />}
      {health.isError && (
        <Alert color="red" title={t('platform.loadFailed')}>
          {errorText(health.error, t)}
        </Alert>
      )}
      {health.isSuccess && rows.length === 0 && <Text c="dimmed">{needle === '' ? t('platform.noTenants') : t('platform.noMatch', { search: debounced })}</Text>}
      {rows.length > 0 && (
        <div className={classes.tableWrap} tabIndex={0} role="region" aria-label={t('platform.tenantsTitle')}>
          <table className={`${classes.table} ${classes.tenantTable}`}>
            <thead>
              <tr>
                <th>{t('platform.business')}</th>
                <th>{t('platform.plan')}</th>
                <th>{t('platform.status')}</th>
                <th className={classes.number}>{t('platform.mrr')}</th>
                <th>{t('platform.churnRisk')}</th>
                <th>
                  <VisuallyHidden>{t('platform.actions')}</VisuallyHidden>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const band = riskBand(row.churn_risk.score);
                const measured = row.churn_risk.factors.filter((factor) => factor.risk !== null && factor.risk > 0);
                return (
                  <tr key={row.tenant_id} data-testid="tenant-row" data-risk={band.band}>
                    <td>
                      <Anchor component={Link} to={`/platform/tenants/${row.tenant_id}`} fw={600} size="sm" data-testid="tenant-link">
                        {row.name}
                      </Anchor>
                    </td>
                    <td>{row.plan_id}</td>
                    <td>
                      <ToneBadge tone={row.status === 'active' ? 'positive' : row.status === 'suspended' ? 'danger' : 'neutral'}>
                        {t(`platform.statuses.${row.status}`, { defaultValue: row.status })}
                      </ToneBadge>
                    </td>
                    <td className={classes.number}>{formatMoney(locale, row.mrr.amount, row.mrr.currency)}</td>
                    <td>
                      <ToneBadge tone={band.tone} testId="risk-badge">
                        {t(`platform.band.${band.band}`)} · {row.churn_risk.score}
                      </ToneBadge>
                      {measured.length > 0 && <RiskFactorList factors={measured} />}
                      {topFactor(row) && (
                        <Text size="xs" mt={4} data-testid="risk-action">
                          {t('platform.advice', { action: t(`platform.action.${topFactor(row)}`) })}
                        </Text>
                      )}
                    </td>
                    <td>
                      <StatusAction tenant={row} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Stack>
  );
}

/** What a business user sees at /platform: not theirs, and where to go instead. */
export function NotForYouPage() {
  const { t } = useTranslation('admin');
  return (
    <Alert color="yellow" title={t('platform.notForYou')} data-testid="platform-refused">
      {t('platform.notForYouExplain')}
    </Alert>
  );
}
