import { Alert, Button, Group, Stack, Switch, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../ui/error-text.ts';
import classes from './platform.module.css';
import { useSetMaintenance } from './use-platform.ts';

/**
 * Maintenance for one business (`tenantId`) or the whole platform: a switch and the message its
 * booking pages show while bookings are paused. Saved together, so a message is never half-set.
 */
export function MaintenanceCard({ tenantId, state }: { tenantId?: string; state: { enabled: boolean; message: string | null } }) {
  const { t } = useTranslation('admin');
  const titleId = useId();
  const [enabled, setEnabled] = useState(state.enabled);
  const [message, setMessage] = useState(state.message ?? '');
  const save = useSetMaintenance();
  useEffect(() => {
    setEnabled(state.enabled);
    setMessage(state.message ?? '');
  }, [state.enabled, state.message]);
  const changed = enabled !== state.enabled || message.trim() !== (state.message ?? '');
  const scope = tenantId ? 'tenant' : 'platform';

  return (
    <section className={classes.panel} aria-labelledby={titleId} data-testid={`maintenance-${scope}`} data-enabled={state.enabled}>
      <Stack gap="sm">
        <div>
          <Title order={2} size="h3" id={titleId}>
            {t(`platform.maintenance.${scope}Title`)}
          </Title>
          <Text size="sm" c="dimmed">
            {t(`platform.maintenance.${scope}Explain`)}
          </Text>
        </div>
        {state.enabled && (
          <Alert color="yellow" data-testid="maintenance-on">
            {t('platform.maintenance.isOn')}
          </Alert>
        )}
        <Switch
          label={t('platform.maintenance.switch')}
          checked={enabled}
          onChange={(event) => setEnabled(event.currentTarget.checked)}
          data-testid="maintenance-switch"
        />
        <Textarea
          label={t('platform.maintenance.message')}
          description={t('platform.maintenance.messageHint')}
          value={message}
          maxLength={500}
          autosize
          minRows={2}
          onChange={(event) => setMessage(event.currentTarget.value)}
          data-testid="maintenance-message"
        />
        <Group justify="flex-end">
          <Button
            disabled={!changed}
            loading={save.isPending}
            color={enabled && !state.enabled ? 'orange' : undefined}
            data-testid="maintenance-save"
            onClick={() =>
              save.mutate(
                { enabled, message: message.trim() === '' ? null : message.trim(), ...(tenantId ? { tenant_id: tenantId } : {}) },
                {
                  onSuccess: (saved) => notifications.show({ color: 'green', message: t(saved.enabled ? 'platform.maintenance.turnedOn' : 'platform.maintenance.turnedOff') }),
                  onError: (error) => notifications.show({ color: 'red', message: errorText(error, t) }),
                },
              )
            }
          >
            {t('platform.maintenance.save')}
          </Button>
        </Group>
      </Stack>
    </section>
  );
}
