import { Button, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { TwoStepCard } from '../account/two-step-card.tsx';
import type { Me } from '../session/use-session.ts';

/**
 * Platform administrators work only with a second factor. A session that has not proved one sees
 * the enrolment (QR code, code, recovery codes) instead of the console, and goes on once the
 * recovery codes have been put away, not the moment the factor is on, so they are never lost.
 */
export function PlatformMfaGate({ me, children }: { me: Me; children: ReactNode }) {
  const { t } = useTranslation('admin');
  const [enrolling, setEnrolling] = useState(me.mfa_enrollment_required);
  useEffect(() => {
    if (me.mfa_enrollment_required) setEnrolling(true);
  }, [me.mfa_enrollment_required]);
  if (!enrolling) return <>{children}</>;
  return (
    <Stack gap="lg" maw={720} data-testid="platform-mfa-gate">
      <div>
        <Title order={1}>{t('platform.mfa.title')}</Title>
        <Text c="dimmed">{t('platform.mfa.explain')}</Text>
      </div>
      <TwoStepCard me={me} />
      {me.mfa_enabled && (
        <Button w="fit-content" onClick={() => setEnrolling(false)} data-testid="mfa-continue">
          {t('platform.mfa.continue')}
        </Button>
      )}
    </Stack>
  );
}
