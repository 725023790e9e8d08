import './words.ts';
import { Alert, Button, Group, Modal, Paper, Progress, Skeleton, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ApiError } from '@reservehub/api-client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { can, type Me } from '../session/use-session.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import classes from './team.module.css';
import { useChangePlan, useLimits, usePlans, useUsage, type Plan } from './use-team.ts';
import { dateOnly, money, teamErrorText, type TeamT } from './words.ts';

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

/** Higher limits rank higher (null = unlimited); the API lists plans cheapest first. */
const rank = (plans: Plan[], id: string) => plans.findIndex((plan) => plan.id === id);

/** /admin/settings/plan: the current plan, usage against its limits, the other plans and the change. */
export default function PlanPage({ me }: { me: Me }) {
  const { t, i18n } = useTranslation(['team', 'admin']);
  const tenantId = me.tenant?.id ?? '';
  const usage = useUsage(tenantId);
  const limits = useLimits(tenantId);
  const plans = usePlans();
  const [choosing, setChoosing] = useState<Plan | null>(null);
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
        {!mayChange && (
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
                  <div className={classes.planFoot}>
                    {mayChange && !isCurrent && current && (
                      <Button fullWidth variant={rank(plans.data, plan.id) > rank(plans.data, current.id) ? 'filled' : 'default'} onClick={() => setChoosing(plan)} data-testid="plan-choose">
                        {t('team:plan.upgradeTo', { plan: plan.name })}
                      </Button>
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </Stack>
      {choosing && current && plans.data && (
        <ChangePlan tenantId={tenantId} plan={choosing} downgrade={rank(plans.data, choosing.id) < rank(plans.data, current.id)} onClose={() => setChoosing(null)} />
      )}
    </Stack>
  );
}

interface Excess {
  metric: string;
  current: number;
  limit: number;
}

function excessesOf(error: unknown): Excess[] {
  if (!(error instanceof ApiError) || typeof error.details !== 'object' || error.details === null) return [];
  const list = (error.details as { excesses?: unknown }).excesses;
  return Array.isArray(list) ? (list as Excess[]).filter((item) => typeof item?.metric === 'string') : [];
}

function ChangePlan({ tenantId, plan, downgrade, onClose }: { tenantId: string; plan: Plan; downgrade: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation(['team', 'admin']);
  const change = useChangePlan(tenantId);
  const confirm = async () => {
    const answer = await change.mutateAsync(plan.id).catch(() => null);
    if (!answer) return;
    notifications.show({ color: 'green', message: t('team:plan.changed', { plan: answer.plan.name }) });
    onClose();
  };
  const excesses = excessesOf(change.error);
  return (
    <Modal opened onClose={onClose} title={t('team:plan.confirmTitle', { plan: plan.name })} centered lockScroll={false} closeButtonProps={{ 'aria-label': t('team:team.close') }} data-testid="plan-confirm">
      <Stack gap="md">
        <Text size="sm">{downgrade ? t('team:plan.confirmDown', { plan: plan.name }) : t('team:plan.confirmUp', { plan: plan.name, price: priceText(plan, t, i18n.language) })}</Text>
        {change.isError &&
          (excesses.length > 0 ? (
            <Alert color="red" data-testid="plan-error">
              <Text size="sm">{t('team:plan.downgradeRefused', { plan: plan.name })}</Text>
              <ul>
                {excesses.map((item) => (
                  <li key={item.metric}>
                    {t('team:plan.excess', { metric: t(item.metric === 'users' ? 'team:plan.users' : 'team:plan.bookings'), current: item.current, limit: item.limit })}
                  </li>
                ))}
              </ul>
            </Alert>
          ) : (
            <Alert color="red" data-testid="plan-error">
              {teamErrorText(change.error, t)}
            </Alert>
          ))}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('team:team.cancel')}
          </Button>
          <Button onClick={() => void confirm()} loading={change.isPending} data-testid="plan-confirm-button">
            {t('team:plan.confirmButton')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
