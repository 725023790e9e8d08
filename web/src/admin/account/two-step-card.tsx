import { Alert, Button, Code, CopyButton, Group, Image, List, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { renderSVG } from 'uqr';
import { isPlatformPerson, type Me } from '../session/use-session.ts';
import { errorText } from '../ui/error-text.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import classes from './two-step-card.module.css';
import { useMfa } from './use-account.ts';

/** Recovery codes, shown once: to copy or download, each usable once instead of a code. */
function RecoveryCodes({ codes }: { codes: string[] }) {
  const { t } = useTranslation('admin');
  const text = codes.join('\n');
  return (
    <Paper withBorder radius="md" p="md" bg="var(--mantine-color-body)" data-testid="recovery-codes">
      <Stack gap="sm">
        <Text fw={700}>{t('security.codesTitle')}</Text>
        <Text size="sm">{t('security.codesHelp')}</Text>
        <div className={classes.codes}>
          {codes.map((code) => (
            <Code key={code}>{code}</Code>
          ))}
        </div>
        <Group gap="xs">
          <CopyButton value={text}>
            {({ copied, copy }) => (
              <Button size="xs" variant="default" onClick={copy}>
                {copied ? t('security.copied') : t('security.copy')}
              </Button>
            )}
          </CopyButton>
          <Button size="xs" variant="default" component="a" href={`data:text/plain;charset=utf-8,${encodeURIComponent(`${text}\n`)}`} download="reservehub-recovery-codes.txt">
            {t('security.download')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** Two-step verification: turn on with an authenticator app (QR code or key), turn off, new recovery codes. */
export function TwoStepCard({ me }: { me: Me }) {
  const { t } = useTranslation('admin');
  const mfa = useMfa();
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const enrolment = mfa.enroll.data;
  const qr = enrolment ? `data:image/svg+xml;utf8,${encodeURIComponent(renderSVG(enrolment.otpauth_uri, { border: 2 }))}` : null;

  const confirm = (event: FormEvent) => {
    event.preventDefault();
    mfa.enable.mutate(code.replace(/\s+/g, ''), {
      onSuccess: (answer) => {
        setCodes(answer.recovery_codes);
        mfa.enroll.reset();
        setCode('');
      },
    });
  };
  const withPassword = (action: 'disable' | 'codes') => (event: FormEvent) => {
    event.preventDefault();
    if (action === 'disable') mfa.disable.mutate(password, { onSuccess: () => setPassword('') });
    else mfa.recoveryCodes.mutate(password, { onSuccess: (answer) => (setCodes(answer.recovery_codes), setPassword('')) });
  };
  const failure = mfa.enroll.error ?? mfa.enable.error ?? mfa.disable.error ?? mfa.recoveryCodes.error;

  return (
    <Paper withBorder radius="md" p="lg" data-testid="two-step">
      <Stack gap="md">
        <Group justify="space-between" wrap="nowrap">
          <Title order={2} size="h4">
            {t('security.twoStep')}
          </Title>
          <ToneBadge tone={me.mfa_enabled ? 'positive' : 'neutral'} testId="mfa-status">
            {me.mfa_enabled ? t('security.on') : t('security.off')}
          </ToneBadge>
        </Group>
        {me.mfa_enrollment_required && !me.mfa_enabled && !isPlatformPerson(me) && <Alert color="yellow">{t('security.required')}</Alert>}
        {codes && <RecoveryCodes codes={codes} />}
        {failure && (
          <Alert color="red" role="alert" data-testid="mfa-error">
            {errorText(failure, t)}
          </Alert>
        )}
        {!me.mfa_enabled && !enrolment && (
          <>
            <Text size="sm">{t('security.twoStepHelp')}</Text>
            <Button onClick={() => mfa.enroll.mutate()} loading={mfa.enroll.isPending} w="fit-content" data-testid="mfa-start">
              {t('security.turnOn')}
            </Button>
          </>
        )}
        {!me.mfa_enabled && enrolment && qr && (
          <form onSubmit={confirm} noValidate>
            <Stack gap="md">
              <List type="ordered" size="sm" spacing={4}>
                <List.Item>{t('security.step1')}</List.Item>
                <List.Item>{t('security.step2')}</List.Item>
                <List.Item>{t('security.step3')}</List.Item>
              </List>
              <Group align="flex-start" gap="lg">
                <Image src={qr} alt={t('security.qrAlt')} w={176} h={176} radius="sm" data-testid="mfa-qr" />
                <Stack gap={4} maw={260}>
                  <Text size="sm" c="dimmed">
                    {t('security.manual')}
                  </Text>
                  <Code data-testid="mfa-secret" className={classes.secret}>
                    {enrolment.secret}
                  </Code>
                </Stack>
              </Group>
              <TextInput
                label={t('login.code')}
                autoComplete="one-time-code"
                inputMode="numeric"
                maxLength={7}
                required
                value={code}
                onChange={(event) => setCode(event.currentTarget.value)}
                data-testid="mfa-enable-code"
                w={200}
              />
              <Group gap="xs">
                <Button type="submit" loading={mfa.enable.isPending} data-testid="mfa-enable">
                  {t('security.confirmOn')}
                </Button>
                <Button variant="subtle" onClick={() => mfa.enroll.reset()}>
                  {t('security.cancel')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        {me.mfa_enabled && (
          <form onSubmit={withPassword('codes')} noValidate>
            <Stack gap="sm">
              <Text size="sm">{t('security.onHelp')}</Text>
              <PasswordInput label={t('security.passwordToChange')} autoComplete="current-password" value={password} onChange={(event) => setPassword(event.currentTarget.value)} w={320} maw="100%" data-testid="mfa-password" />
              <Group gap="xs">
                <Button type="submit" variant="default" disabled={!password} loading={mfa.recoveryCodes.isPending} data-testid="mfa-new-codes">
                  {t('security.newCodes')}
                </Button>
                {/* The platform's administrators and auditors keep it on (the API refuses to turn it off). */}
                {!isPlatformPerson(me) && (
                  <Button color="red" variant="light" disabled={!password} loading={mfa.disable.isPending} onClick={withPassword('disable')} data-testid="mfa-disable">
                    {t('security.turnOff')}
                  </Button>
                )}
              </Group>
            </Stack>
          </form>
        )}
      </Stack>
    </Paper>
  );
}
