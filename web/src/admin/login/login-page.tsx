import { Alert, Anchor, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import { LanguageSwitch } from '../shell/language-switch.tsx';
import { session, type EndReason } from '../session/session.ts';
import { useLogin, useMfaVerify, useSignedIn } from '../session/use-session.ts';
import { errorText } from '../ui/error-text.ts';
import classes from './login-page.module.css';

/** Sign-in at /admin/login: email and password, then the second factor when the account has one. */
export function LoginPage() {
  const { t } = useTranslation('admin');
  const signedIn = useSignedIn();
  const [ended] = useState<EndReason | null>(() => session.takeEndReason());
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const login = useLogin();
  const verify = useMfaVerify();

  if (signedIn) return <Navigate to="/admin/bookings" replace />;

  const submitPassword = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ email, password }, { onSuccess: (answer) => setMfaToken(answer.mfa_required ? answer.mfa_token : null) });
  };
  const submitCode = (event: FormEvent) => {
    event.preventDefault();
    if (mfaToken) verify.mutate({ mfa_token: mfaToken, code: code.replace(/\s+/g, '') });
  };

  return (
    <Center className={classes.page}>
      <Paper withBorder radius="md" p="xl" className={classes.card} component="main">
        <Stack gap="lg">
          <Stack gap={4}>
            <Text fw={700} c="dimmed">
              ReserveHub
            </Text>
            <Title order={1} size="h2">
              {mfaToken ? t('login.mfaTitle') : t('login.title')}
            </Title>
          </Stack>
          {ended && !mfaToken && (
            <Alert color={ended === 'expired' ? 'yellow' : 'blue'} data-testid="session-ended">
              {t(ended === 'expired' ? 'login.expired' : 'login.signedOut')}
            </Alert>
          )}
          {mfaToken === null ? (
            <form onSubmit={submitPassword} noValidate>
              <Stack gap="md">
                <TextInput label={t('login.email')} type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.currentTarget.value)} data-testid="email" />
                <PasswordInput label={t('login.password')} autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.currentTarget.value)} data-testid="password" />
                {login.isError && (
                  <Alert color="red" role="alert" data-testid="login-error">
                    {errorText(login.error, t)}
                  </Alert>
                )}
                <Button type="submit" size="md" loading={login.isPending} data-testid="login-button">
                  {t('login.submit')}
                </Button>
              </Stack>
            </form>
          ) : (
            <form onSubmit={submitCode} noValidate>
              <Stack gap="md">
                <Text>{t('login.mfaHelp')}</Text>
                <TextInput
                  label={t('login.code')}
                  autoComplete="one-time-code"
                  inputMode="text"
                  required
                  autoFocus
                  value={code}
                  onChange={(event) => setCode(event.currentTarget.value)}
                  data-testid="mfa-code"
                />
                {verify.isError && (
                  <Alert color="red" role="alert" data-testid="login-error">
                    {errorText(verify.error, t)}
                  </Alert>
                )}
                <Button type="submit" size="md" loading={verify.isPending} data-testid="verify-button">
                  {t('login.verify')}
                </Button>
                <Anchor component="button" type="button" onClick={() => setMfaToken(null)}>
                  {t('login.back')}
                </Anchor>
              </Stack>
            </form>
          )}
          <Stack gap="xs" align="flex-start">
            <LanguageSwitch />
            <Anchor href="/">{t('login.backToSite')}</Anchor>
          </Stack>
        </Stack>
      </Paper>
    </Center>
  );
}
