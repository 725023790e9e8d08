import { Alert, Anchor, Button, Group, Loader, Select, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { formatMoney } from '../reports/format.ts';
import { errorText } from '../ui/error-text.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import { BillingPanel } from './billing-panel.tsx';
import { DiagnosticsPanel } from './diagnostics-panel.tsx';
import { ImpersonateAction } from './impersonate-action.tsx';
import { MaintenanceCard } from './maintenance-card.tsx';
import { RiskFactorList, riskBand, StatusAction, topFactor } from './platform-pages.tsx';
import { ConsistencyCard } from './support/consistency-card.tsx';
import { ErrorsCard } from './activity/errors-card.tsx';
import { PaymentsCard } from './activity/payments-card.tsx';
import { PeopleCard } from './activity/people-card.tsx';
import classes from './platform.module.css';
import { useChangePlan, usePlans, usePlatformTenant, useTenantHealth, type PlatformTenant } from './use-platform.ts';

type Metric = PlatformTenant['usage']['metrics']['users'];

/** A metric against its limit: the figure, and a bar that turns red at the limit. */
function UsageRow({ label, metric, testId }: { label: string; metric: Metric; testId: string }) {
  const { t, i18n } = useTranslation('admin');
  const number = new Intl.NumberFormat(i18n.language);
  const limit = metric.limit;
  const share = limit === null || limit === 0 ? 0 : Math.min(1, metric.current / limit);
  return (
    <div data-testid={testId}>
      <Group justify="space-between" gap="xs">
        <Text size="sm">{label}</Text>
        <Text size="sm" fw={600} className={classes.number} data-testid={`${testId}-value`}>
          {limit === null
            ? t('platform.usageUnlimited', { current: number.format(metric.current) })
            : t('platform.usageOf', { current: number.format(metric.current), limit: number.format(limit) })}
        </Text>
      </Group>
      {limit !== null && (
        // SVG geometry, not inline styles: the page's CSP refuses those.
        <svg className={classes.meter} viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true">
          <rect className={classes.meterTrack} x={0} y={0} width={100} height={1} />
          <rect className={share >= 1 ? classes.meterFull : classes.meterFill} x={0} y={0} width={share * 100} height={1} />
        </svg>
      )}
    </div>
  );
}

/** The plan picker: moves the business at once (the platform's decision, audited). */
function PlanChange({ tenant }: { tenant: PlatformTenant }) {
  const { t, i18n } = useTranslation('admin');
  const plans = usePlans();
  const change = useChangePlan();
  const [planId, setPlanId] = useState<string | null>(tenant.plan_id);
  const options = (plans.data ?? []).map((plan) => ({
    value: plan.id,
    label: plan.price ? `${plan.name} · ${formatMoney(i18n.language, plan.price.amount, plan.price.currency)}` : plan.name,
  }));
  return (
    <Group align="flex-end" gap="sm">
      <Select
        label={t('platform.planLabel')}
        data={options}
        value={planId}
        onChange={setPlanId}
        allowDeselect={false}
        comboboxProps={{ withinPortal: false }}
        disabled={plans.isPending}
        data-testid="plan-select"
        maw={280}
      />
      <Button
        variant="default"
        disabled={planId === null || planId === tenant.plan_id}
        loading={change.isPending}
        data-testid="plan-save"
        onClick={() =>
          planId &&
          change.mutate(
            { id: tenant.id, planId },
            {
              onSuccess: (saved) => notifications.show({ color: 'green', message: t('platform.planChanged', { name: tenant.name, plan: saved.plan.name }) }),
              onError: (error) => notifications.show({ color: 'red', message: errorText(error, t) }),
            },
          )
        }
      >
        {t('platform.changePlan')}
      </Button>
    </Group>
  );
}

/** One business, as the platform sees it: status, plan and usage, churn risk, billing, people, payments, errors, support tools, maintenance. */
export function PlatformTenantPage() {
  const { t, i18n } = useTranslation('admin');
  const { id = '' } = useParams();
  const tenant = usePlatformTenant(id);
  const health = useTenantHealth();
  const back = (
    <Anchor component={Link} to="/platform/tenants" className={classes.back} data-testid="back-to-tenants">
      ← {t('platform.tenantsTitle')}
    </Anchor>
  );
  if (tenant.isPending) return <Loader aria-label={t('loading')} />;
  if (tenant.isError) {
    return (
      <Stack gap="md">
        {back}
        <Alert color="red" title={t('platform.tenantLoadFailed')} data-testid="tenant-load-error">
          <Text size="sm">{errorText(tenant.error, t)}</Text>
        </Alert>
      </Stack>
    );
  }
  const data = tenant.data;
  const row = health.data?.find((entry) => entry.tenant_id === data.id);
  const band = row ? riskBand(row.churn_risk.score) : null;
  const measured = row?.churn_risk.factors.filter((factor) => factor.risk !== null && factor.risk > 0) ?? [];
  const maintenance = { enabled: data.settings.maintenance === true, message: typeof data.settings.maintenance_message === 'string' ? data.settings.maintenance_message : null };
  const since = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(new Date(data.created_at));

  return (
    <Stack gap="lg" data-testid="platform-tenant" data-status={data.status}>
      {back}
      <Group justify="space-between" align="flex-start" gap="sm">
        <div>
          <Title order={1}>{data.name}</Title>
          <Text c="dimmed" size="sm">
            {t('platform.tenantSince', { slug: data.slug, date: since })}
          </Text>
        </div>
        <Group gap="sm">
          <ToneBadge tone={data.status === 'active' ? 'positive' : data.status === 'suspended' ? 'danger' : 'neutral'} testId="tenant-status">
            {t(`platform.statuses.${data.status}`, { defaultValue: data.status })}
          </ToneBadge>
          <ImpersonateAction tenantId={data.id} name={data.name} />
          <StatusAction tenant={{ tenant_id: data.id, name: data.name, status: data.status }} />
        </Group>
      </Group>

      <div className={classes.detailGrid}>
        <section className={classes.panel} aria-labelledby="usage-title">
          <Stack gap="sm">
            <Title order={2} size="h3" id="usage-title">
              {t('platform.planAndUsage')}
            </Title>
            <UsageRow label={t('platform.usageBookings')} metric={data.usage.metrics.bookings_per_month} testId="usage-bookings" />
            <UsageRow label={t('platform.usageUsers')} metric={data.usage.metrics.users} testId="usage-users" />
            <PlanChange key={data.plan_id} tenant={data} />
          </Stack>
        </section>

        <section className={classes.panel} aria-labelledby="risk-detail-title">
          <Stack gap="xs">
            <Title order={2} size="h3" id="risk-detail-title">
              {t('platform.churnRisk')}
            </Title>
            {row && band ? (
              <>
                <div>
                  <ToneBadge tone={band.tone} testId="risk-badge">
                    {t(`platform.band.${band.band}`)} · {row.churn_risk.score}
                  </ToneBadge>
                </div>
                {measured.length > 0 ? (
                  <RiskFactorList factors={measured} />
                ) : (
                  <Text size="sm" c="dimmed">
                    {t('platform.noRisk')}
                  </Text>
                )}
                {topFactor(row) && (
                  <Text size="sm" data-testid="risk-action">
                    {t('platform.advice', { action: t(`platform.action.${topFactor(row)}`) })}
                  </Text>
                )}
              </>
            ) : health.isPending ? (
              <Loader size="sm" aria-label={t('loading')} />
            ) : (
              <Text size="sm" c="dimmed">
                {t('platform.noRisk')}
              </Text>
            )}
          </Stack>
        </section>
      </div>

      <BillingPanel tenantId={data.id} />
      <PeopleCard tenantId={data.id} />
      <PaymentsCard tenantId={data.id} />
      <ErrorsCard tenantId={data.id} />
      <DiagnosticsPanel tenantId={data.id} />
      <ConsistencyCard tenantId={data.id} />

      <MaintenanceCard tenantId={data.id} state={maintenance} />
    </Stack>
  );
}
