import { Alert, Anchor, Button, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { session, type EndReason } from '../session/session.ts';
import { useLogin, useMfaVerify, useSignedIn } from '../session/use-session.ts';
import { errorText } from '../ui/error-text.ts';
import { PublicCard } from '../ui/public-card.tsx';

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
    <PublicCard title={mfaToken ? t('login.mfaTitle') : t('login.title')}>
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
                <Group justify="space-between" gap="xs">
                  <Anchor component={Link} to="/admin/forgot-password" size="sm" data-testid="forgot-password">
                    {t('login.forgot')}
                  </Anchor>
                  <Anchor component={Link} to="/admin/signup" size="sm" data-testid="signup-link">
                    {t('login.signup')}
                  </Anchor>
                </Group>
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
    </PublicCard>
  );
}
