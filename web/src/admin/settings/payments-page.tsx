import { Alert, Button, Group, List, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { adminKeys } from '../admin-keys.ts';
import { adminApi } from '../session/session.ts';
import { errorText } from '../ui/error-text.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';

/**
 * /admin/settings/payments: the business's payment account (Stripe Connect). The provider's
 * hosted onboarding sends the owner back here (`?connect=return`, or `?connect=refresh` for a
 * new link when the last one expired).
 */
export function PaymentsSettingsPage() {
  const { t } = useTranslation('admin');
  const [params] = useSearchParams();
  const back = params.get('connect');
  const account = useQuery({ queryKey: adminKeys.connect, queryFn: () => adminApi.get('/api/v1/payments/connect') });
  const onboarding = useMutation({
    mutationFn: () => adminApi.post('/api/v1/payments/connect/onboarding', { body: {} }),
    onSuccess: (answer) => {
      if (answer.onboarding_url) window.location.assign(answer.onboarding_url);
    },
  });
  const ready = account.data?.charges_enabled === true;
  return (
    <Stack gap="lg" maw={760}>
      <Title order={1} size="h2">
        {t('payments.title')}
      </Title>
      {back === 'return' && !ready && account.data && <Alert color="blue">{t('payments.returned')}</Alert>}
      {back === 'refresh' && <Alert color="yellow">{t('payments.expiredLink')}</Alert>}
      <Paper withBorder radius="md" p="lg" data-testid="payments-account">
        {account.isPending ? (
          <Skeleton h={96} />
        ) : account.isError ? (
          <Alert color="red">{errorText(account.error, t)}</Alert>
        ) : (
          <Stack gap="sm">
            <Group justify="space-between">
              <Text fw={600}>{t('payments.account')}</Text>
              <ToneBadge tone={ready ? 'positive' : 'warning'} testId="payments-status">
                {ready ? t('payments.ready') : account.data.account_id ? t('payments.pending') : t('payments.none')}
              </ToneBadge>
            </Group>
            <Text size="sm" c="dimmed">
              {ready ? t('payments.readyHelp') : t('payments.setupHelp')}
            </Text>
            {!ready && account.data.requirements_due.length > 0 && (
              <List size="sm">
                {account.data.requirements_due.map((item) => (
                  <List.Item key={item}>{item}</List.Item>
                ))}
              </List>
            )}
            {onboarding.isError && <Alert color="red">{errorText(onboarding.error, t)}</Alert>}
            {!ready && (
              <Button w="fit-content" onClick={() => onboarding.mutate()} loading={onboarding.isPending} data-testid="payments-onboard">
                {account.data.account_id ? t('payments.continue') : t('payments.start')}
              </Button>
            )}
          </Stack>
        )}
      </Paper>
    </Stack>
  );
}
