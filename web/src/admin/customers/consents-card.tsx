import { Alert, Button, Group, Modal, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ToneBadge } from '../ui/tone-badge.tsx';
import { customerErrorText } from './customer-errors.ts';
import classes from './customers.module.css';
import { useConsents, useWithdrawConsent, type Consent } from './use-customers.ts';

function day(instant: string, language: string): string {
  return new Intl.DateTimeFormat(language, { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(instant));
}

/** The customer's consent records (current and withdrawn); a standing one can be withdrawn by roles that may update customers. */
export function ConsentsCard({ customerId, editable }: { customerId: string; editable: boolean }) {
  const { t, i18n } = useTranslation(['customers', 'admin']);
  const consents = useConsents(customerId);
  const withdraw = useWithdrawConsent(customerId);
  const [asking, setAsking] = useState<Consent | null>(null);
  const ordered = [...(consents.data ?? [])].sort((a, b) => Number(b.active) - Number(a.active) || Date.parse(b.granted_at) - Date.parse(a.granted_at));

  const confirm = async () => {
    if (!asking) return;
    try {
      await withdraw.mutateAsync(asking.id);
      notifications.show({ message: t('consents.withdrawn'), color: 'green' });
      setAsking(null);
    } catch {
      // Shown in the dialog from the mutation's state.
    }
  };

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="consents-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="consents-title">
          {t('consents.title')}
        </Title>
        {consents.isPending && <Skeleton height={48} />}
        {consents.isError && <Alert color="red">{customerErrorText(consents.error, t)}</Alert>}
        {consents.isSuccess && ordered.length === 0 && (
          <Text size="sm" c="dimmed" data-testid="consents-empty">
            {t('consents.empty')}
          </Text>
        )}
        {ordered.length > 0 && (
          <ul className={classes.consents} data-testid="consents">
            {ordered.map((consent) => (
              <li key={consent.id} className={classes.consent} data-testid="consent" data-consent-type={consent.consent_type}>
                <Stack gap={2} miw={0}>
                  <Text fw={600} size="sm">
                    {t(`consents.type.${consent.consent_type}`)}
                  </Text>
                  <Text size="sm" c="dimmed">
                    {consent.purpose}
                  </Text>
                  <Text size="sm" c="dimmed">
                    {consent.active
                      ? t('consents.given', { date: day(consent.granted_at, i18n.language), source: t(`consents.source.${consent.source}`, { defaultValue: consent.source }) })
                      : t('consents.withdrawnOn', { date: day(consent.withdrawn_at ?? consent.granted_at, i18n.language) })}
                  </Text>
                </Stack>
                <Stack gap={6} align="flex-end">
                  <ToneBadge tone={consent.active ? 'positive' : 'neutral'}>{consent.active ? t('consents.active') : t('consents.inactive')}</ToneBadge>
                  {consent.active && editable && (
                    <Button size="compact-sm" variant="subtle" color="red" className={classes.danger} onClick={() => setAsking(consent)} data-testid="consent-withdraw">
                      {t('consents.withdraw')}
                    </Button>
                  )}
                </Stack>
              </li>
            ))}
          </ul>
        )}
      </Stack>
      <Modal
        opened={asking !== null}
        onClose={() => setAsking(null)}
        title={t('consents.confirmTitle', { type: asking ? t(`consents.type.${asking.consent_type}`) : '' })}
        centered
        lockScroll={false}
        closeButtonProps={{ 'aria-label': t('close') }}
      >
        <Stack gap="md">
          <Text size="sm">{t('consents.confirmBody')}</Text>
          {withdraw.isError && (
            <Alert color="red" role="alert">
              {customerErrorText(withdraw.error, t)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAsking(null)}>
              {t('cancel')}
            </Button>
            <Button color="red" loading={withdraw.isPending} onClick={() => void confirm()} data-testid="consent-withdraw-confirm">
              {t('consents.withdraw')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
