import { Alert, Button, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { ApiError } from '@reservehub/api-client';
import { useTranslation } from 'react-i18next';
import { errorText } from '../ui/error-text.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import { useDevicePush, type PushUnavailable } from './use-device-push.ts';

const UNAVAILABLE_WORDS: Record<PushUnavailable, string> = {
  unsupported: 'devicePush.unsupported',
  not_configured: 'devicePush.notConfigured',
  denied: 'devicePush.denied',
};

/**
 * "Notifications on this device": booking notices (new, confirmed, moved, cancelled bookings the
 * member may see) pushed to this browser or phone, turned on with the browser's permission and
 * off again here; says plainly when the browser cannot or the member refused.
 */
export function DevicePushCard() {
  const { t } = useTranslation('admin');
  const { key, state, turnOn, turnOff } = useDevicePush();
  const failure = key.error ?? state.error ?? turnOn.error ?? turnOff.error;
  const on = state.data?.on === true;
  const unavailable = state.data?.unavailable ?? null;
  return (
    <Paper withBorder radius="md" p="lg" data-testid="device-push">
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Title order={2} size="h4">
            {t('devicePush.title')}
          </Title>
          {state.data && unavailable === null && (
            <ToneBadge tone={on ? 'positive' : 'neutral'} testId="device-push-status">
              {on ? t('devicePush.on') : t('devicePush.off')}
            </ToneBadge>
          )}
        </Group>
        <Text size="sm">{t('devicePush.help')}</Text>
        {state.isPending && !key.isError ? (
          <Skeleton h={36} />
        ) : unavailable !== null ? (
          <Alert color={unavailable === 'denied' ? 'orange' : 'gray'} data-testid="device-push-unavailable" data-reason={unavailable}>
            {t(UNAVAILABLE_WORDS[unavailable])}
          </Alert>
        ) : on ? (
          <Button variant="default" w="fit-content" onClick={() => turnOff.mutate()} loading={turnOff.isPending} data-testid="device-push-off">
            {t('devicePush.turnOff')}
          </Button>
        ) : (
          <Button w="fit-content" onClick={() => turnOn.mutate()} loading={turnOn.isPending} data-testid="device-push-on">
            {t('devicePush.turnOn')}
          </Button>
        )}
        <div aria-live="polite">
          {failure && (
            <Alert color="red" role="alert">
              {failure instanceof ApiError ? errorText(failure, t) : t('devicePush.subscribeFailed')}
            </Alert>
          )}
        </div>
      </Stack>
    </Paper>
  );
}
