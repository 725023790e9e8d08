import './words.ts';
import { Alert, Button, Group, Paper, Progress, Skeleton, Stack, Text, Title } from '@mantine/core';
import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import couponEn from '../billing/i18n/coupon-en.json';
import couponEs from '../billing/i18n/coupon-es.json';
import { can, type Me } from '../session/use-session.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import classes from './team.module.css';
import { useLimits, usePlans, useUsage, type Plan } from './use-team.ts';
import { dateOnly, money, teamErrorText, type TeamT } from './words.ts';

// The link to the billing page is worded with the billing screen's words.
i18next.addResourceBundle('en', 'billingCoupon', couponEn, true, true);
i18next.addResourceBundle('es', 'billingCoupon', couponEs, true, true);

type Metric = 'bookings_per_month' | 'users';
const METRICS: Array<{ key: Metric; label: string }> = [
  { key: 'bookings_per_month', label: 'plan.bookings' },
  { key: 'users', label: 'plan.users' },
];

function priceText(plan: Plan, t: TeamT, language: string): string {
  return plan.price ? t('team:plan.perMonth', { price: money(plan.price.amount, plan.price.currency, language) }) : t('team:plan.onRequest');
}

/** What a plan offers, in words (limits, card fee, support). */
function features(plan: Plan, t: TeamT, language: string): string[] {
  const percent = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 2 }).format(plan.transaction_fee.bps / 10_000);
  return [
    plan.limits.bookings_per_month === null ? t('team:plan.limitBookingsNone') : t('team:plan.limitBookings', { count: plan.limits.bookings_per_month }),
    plan.limits.users === null ? t('team:plan.limitUsersNone') : t('team:plan.limitUsers', { count: plan.limits.users }),
    t('team:plan.fee', { percent, fixed: money(plan.transaction_fee.fixed.amount, plan.transaction_fee.fixed.currency, language) }),
    t(`team:plan.support_${plan.support}`, { defaultValue: plan.support }),
  ];
}

/**
 * /admin/settings/plan: the current plan, usage against its limits and what each plan offers. Plans
 * are changed on the billing page (interval, proration and what is charged are said there); this
 * page links to it.
 */
export default function PlanPage({ me }: { me: Me }) {
  const { t, i18n } = useTranslation(['team', 'admin', 'billingCoupon']);
  const tenantId = me.tenant?.id ?? '';
  const usage = useUsage(tenantId);
  const limits = useLimits(tenantId);
  const plans = usePlans();
  const mayChange = can(me, 'update', 'Tenant');
  const current = limits.data?.plan;
  const failed = usage.error ?? limits.error;
  return (
    <Stack gap="lg" className={classes.page} data-testid="plan-page">
      <Title order={1} size="h2">
        {t('team:plan.title')}
      </Title>
      <Paper withBorder radius="md" p="lg" className={classes.card} data-testid="plan-current">
        {failed ? (
          <Alert color="red" title={t('team:plan.loadFailed')}>
            <Stack gap="xs" align="flex-start">
              <span>{teamErrorText(failed, t)}</span>
              <Button size="xs" variant="default" onClick={() => void Promise.all([usage.refetch(), limits.refetch()])}>
                {t('team:team.retry')}
              </Button>
            </Stack>
          </Alert>
        ) : !usage.data || !current ? (
          <Stack gap="sm">
            <Skeleton h={28} w={200} />
            <Skeleton h={64} />
          </Stack>
        ) : (
          <Stack gap="md">
            <Group justify="space-between" align="baseline">
              <div>
                <Text size="sm" c="dimmed">
                  {t('team:plan.current')}
                </Text>
                <Text className={classes.planName} data-testid="plan-current-name">
                  {current.name}
                </Text>
              </div>
              <Text className={classes.price}>{priceText(current, t, i18n.language)}</Text>
            </Group>
            <Text size="sm" c="dimmed">
              {t('team:plan.period', { start: dateOnly(usage.data.period.start, i18n.language), end: dateOnly(new Date(Date.parse(usage.data.period.end) - 1).toISOString(), i18n.language) })}
            </Text>
            <div className={classes.meters}>
              {METRICS.map(({ key, label }) => {
                const { current: used, limit } = usage.data.metrics[key];
                const share = limit ? Math.min(100, (used / limit) * 100) : 0;
                const color = limit && used >= limit ? 'red' : share >= 80 ? 'yellow' : 'blue';
                const figure = limit === null ? t('team:plan.unlimited', { current: used.toLocaleString(i18n.language) }) : t('team:plan.ofLimit', { current: used.toLocaleString(i18n.language), limit: limit.toLocaleString(i18n.language) });
                return (
                  <div key={key} data-testid={`plan-meter-${key}`} data-current={used} data-limit={limit ?? ''}>
                    <div className={classes.meterHead}>
                      <Text size="sm" fw={500}>
                        {t(`team:${label}`)}
                      </Text>
                      <Text size="sm" className={classes.figure}>
                        {figure}
                      </Text>
                    </div>
                    <Progress.Root size="lg" mt={6}>
                      <Progress.Section value={limit === null ? 0 : share} color={color} aria-label={`${t(`team:${label}`)}: ${figure}`} />
                    </Progress.Root>
                    {limit !== null && share >= 80 && (
                      <Text size="xs" c={used >= limit ? 'red.8' : 'yellow.9'} mt={4}>
                        {used >= limit ? t('team:plan.atLimit') : t('team:plan.nearLimit')}
                      </Text>
                    )}
                  </div>
                );
              })}
            </div>
          </Stack>
        )}
      </Paper>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('team:plan.plansHeading')}
        </Title>
        {mayChange ? (
          <Group justify="space-between" gap="sm" wrap="wrap">
            <Text size="sm" c="dimmed">
              {t('billingCoupon:plans.changeHelp')}
            </Text>
            <Button component={Link} to="/admin/settings/billing" variant="light" data-testid="plan-change-on-billing">
              {t('billingCoupon:plans.change')}
            </Button>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            {t('team:plan.onlyOwners')}
          </Text>
        )}
        {plans.isError ? (
          <Alert color="red">{teamErrorText(plans.error, t)}</Alert>
        ) : plans.isPending ? (
          <Skeleton h={220} />
        ) : (
          <ul className={classes.plans} data-testid="plan-list">
            {plans.data.map((plan, index) => {
              const isCurrent = plan.id === current?.id;
              const previous = index > 0 ? plans.data[index - 1] : undefined;
              return (
                <li key={plan.id} className={`${classes.plan} ${isCurrent ? classes.planCurrent : ''}`} data-testid="plan-option" data-plan-id={plan.id}>
                  <Group justify="space-between" gap={8}>
                    <Text className={classes.planName}>{plan.name}</Text>
                    {isCurrent && <ToneBadge tone="info">{t('team:plan.currentBadge')}</ToneBadge>}
                  </Group>
                  <Text className={classes.price}>{priceText(plan, t, i18n.language)}</Text>
                  {previous && (
                    <Text size="sm" c="dimmed">
                      {t('team:plan.adds', { plan: previous.name })}
                    </Text>
                  )}
                  <ul className={classes.features}>
                    {features(plan, t, i18n.language)
                      .filter((line) => !previous || !features(previous, t, i18n.language).includes(line))
                      .map((line) => (
                      <li key={line}>{line}</li>
                    ))}
                  </ul>
                </li>
              );
            })}
          </ul>
        )}
      </Stack>
    </Stack>
  );
}
