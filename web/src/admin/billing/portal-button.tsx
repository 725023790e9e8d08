import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { ApiError } from '@reservehub/api-client';
import { useTranslation } from 'react-i18next';
import { adminApi } from '../session/session.ts';
import { errorText } from '../ui/error-text.ts';

/**
 * With Stripe, the card is added or changed on Stripe's hosted customer portal (Stripe collects it and
 * runs 3-D Secure); the owner comes back to this screen, and the new card shows once Stripe's
 * `customer.updated` event has reached billing, usually within seconds.
 */
export function PortalButton({ hasCard }: { hasCard: boolean }) {
  const { t } = useTranslation(['billing', 'admin']);
  const open = useMutation({
    mutationFn: () => adminApi.post('/api/v1/billing/portal-session', {}),
    onSuccess: (session) => window.location.assign(session.url),
  });
  const failure = open.isError ? (open.error instanceof ApiError && open.error.code === 'SERVICE_UNAVAILABLE' ? t('billing:card.portalUnavailable') : errorText(open.error, t)) : null;
  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed">
        {t('billing:card.portalHelp')}
      </Text>
      <Group>
        <Button loading={open.isPending || open.isSuccess} onClick={() => open.mutate()} data-testid="billing-card-portal">
          {hasCard ? t('billing:card.replace') : t('billing:card.add')}
        </Button>
      </Group>
      {failure && <Alert color="red">{failure}</Alert>}
    </Stack>
  );
}
