import { Alert, Button, Group, Paper, PasswordInput, Skeleton, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isPlatformPerson, type Me } from '../session/use-session.ts';
import { errorText } from '../ui/error-text.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import { DevicePushCard } from './device-push-card.tsx';
import classes from './security-page.module.css';
import { TwoStepCard } from './two-step-card.tsx';
import { useChangePassword, useEndSession, useSessions } from './use-account.ts';

function PasswordCard() {
  const { t } = useTranslation('admin');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useChangePassword();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: (answer) => {
          setCurrent('');
          setNext('');
          notifications.show({ color: 'green', message: t('security.passwordChanged', { count: answer.other_sessions_revoked }) });
        },
      },
    );
  };
  return (
    <Paper withBorder radius="md" p="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('security.password')}
          </Title>
          <PasswordInput label={t('security.currentPassword')} autoComplete="current-password" required value={current} onChange={(event) => setCurrent(event.currentTarget.value)} w={320} maw="100%" />
          <PasswordInput
            label={t('account.newPassword')}
            description={t('account.passwordRule')}
            autoComplete="new-password"
            required
            value={next}
            onChange={(event) => setNext(event.currentTarget.value)}
            w={320}
            maw="100%"
          />
          {change.isError && (
            <Alert color="red" role="alert">
              {errorText(change.error, t)}
            </Alert>
          )}
          <Button type="submit" variant="default" w="fit-content" disabled={!current || !next} loading={change.isPending}>
            {t('security.changePassword')}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}

const BROWSERS: Array<[RegExp, string]> = [
  [/Edg\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/Chrom(e|ium)\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];
const SYSTEMS: Array<[RegExp, string]> = [
  [/Android/, 'Android'],
  [/iPhone|iPad/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/** "Chrome on Linux" from a user agent; null when it says nothing recognisable. */
export function describeDevice(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser && system) return `${browser} · ${system}`;
  return browser ?? system ?? userAgent.slice(0, 60);
}

/** Where the person is signed in; any other session can be ended from here. */
function SessionsCard() {
  const { t, i18n } = useTranslation('admin');
  const sessions = useSessions();
  const end = useEndSession();
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const others = sessions.data?.filter((item) => !item.current) ?? [];
  const endOthers = () => {
    for (const item of others) end.mutate(item.id);
  };
  return (
    <Paper withBorder radius="md" p="lg" data-testid="sessions">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4">
            {t('security.sessions')}
          </Title>
          {others.length > 0 && (
            <Button size="xs" variant="light" color="red" onClick={endOthers} loading={end.isPending} data-testid="end-other-sessions">
              {t('security.endOthers')}
            </Button>
          )}
        </Group>
        {sessions.isPending ? (
          <Skeleton h={80} />
        ) : sessions.isError ? (
          <Alert color="red">{errorText(sessions.error, t)}</Alert>
        ) : (
          <Stack gap={0}>
            {sessions.data.map((item) => (
              <Group key={item.id} justify="space-between" wrap="nowrap" py="sm" className={classes.row} data-testid="session-row">
                <Stack gap={2} miw={0}>
                  <Text size="sm" fw={600} truncate>
                    {describeDevice(item.user_agent) ?? t('security.unknownDevice')}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {[item.ip, t('security.lastUsedAt', { when: when.format(new Date(item.last_used_at)) })].filter(Boolean).join(' · ')}
                  </Text>
                </Stack>
                <div className={classes.action}>
                  {item.current ? (
                    <ToneBadge tone="info">{t('security.thisDevice')}</ToneBadge>
                  ) : (
                    <Button size="xs" variant="subtle" color="red" onClick={() => end.mutate(item.id)} data-testid="end-session">
                      {t('security.endSession')}
                    </Button>
                  )}
                </div>
              </Group>
            ))}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

/** /admin/account/security: the signed-in person's password, two-step verification, sessions and this device's notices. */
export function SecurityPage({ me }: { me: Me }) {
  const { t } = useTranslation('admin');
  return (
    <Stack gap="lg" maw={760}>
      <Title order={1} size="h2">
        {t('security.title')}
      </Title>
      <TwoStepCard me={me} />
      <PasswordCard />
      <SessionsCard />
      {!isPlatformPerson(me) && <DevicePushCard />}
    </Stack>
  );
}
