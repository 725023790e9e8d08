import { Alert, Anchor, Button, Loader, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { errorText } from '../ui/error-text.ts';
import { PublicCard } from '../ui/public-card.tsx';
import { useAcceptInvitation, useConfirmPasswordReset, useRequestPasswordReset, useVerifyEmail } from './use-account.ts';

/**
 * The pages the links of the server's e-mails open (`/admin/reset-password?token=`,
 * `/admin/verify-email?token=`, `/admin/accept-invitation?token=`) and the request for a reset link.
 */

const SignInLink = () => {
  const { t } = useTranslation('admin');
  return (
    <Anchor component={Link} to="/admin/login" data-testid="to-sign-in">
      {t('account.toSignIn')}
    </Anchor>
  );
};

/** Both password fields, with the policy said up front and a mismatch caught before sending. */
function NewPassword({ value, onChange, confirm, onConfirm }: { value: string; onChange: (value: string) => void; confirm: string; onConfirm: (value: string) => void }) {
  const { t } = useTranslation('admin');
  return (
    <>
      <PasswordInput
        label={t('account.newPassword')}
        description={t('account.passwordRule')}
        autoComplete="new-password"
        required
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
        data-testid="new-password"
      />
      <PasswordInput
        label={t('account.confirmPassword')}
        autoComplete="new-password"
        required
        value={confirm}
        onChange={(event) => onConfirm(event.currentTarget.value)}
        error={confirm !== '' && confirm !== value ? t('account.mismatch') : undefined}
        data-testid="confirm-password"
      />
    </>
  );
}

export function ForgotPasswordPage() {
  const { t } = useTranslation('admin');
  const [email, setEmail] = useState('');
  const request = useRequestPasswordReset();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate(email.trim());
  };
  return (
    <PublicCard title={t('account.forgotTitle')}>
      {request.isSuccess ? (
        <Alert color="green" data-testid="reset-sent">
          {t('account.resetSent', { email })}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <Text>{t('account.forgotHelp')}</Text>
            <TextInput label={t('login.email')} type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.currentTarget.value)} data-testid="email" />
            {request.isError && (
              <Alert color="red" role="alert">
                {errorText(request.error, t)}
              </Alert>
            )}
            <Button type="submit" loading={request.isPending} data-testid="send-reset">
              {t('account.sendReset')}
            </Button>
          </Stack>
        </form>
      )}
      <SignInLink />
    </PublicCard>
  );
}

export function ResetPasswordPage() {
  const { t } = useTranslation('admin');
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const reset = useConfirmPasswordReset();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password === confirm) reset.mutate({ token, new_password: password });
  };
  return (
    <PublicCard title={t('account.resetTitle')}>
      {!token ? (
        <Alert color="red">{t('errors.invalid_link')}</Alert>
      ) : reset.isSuccess ? (
        <Alert color="green" data-testid="reset-done">
          {t('account.resetDone')}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <NewPassword value={password} onChange={setPassword} confirm={confirm} onConfirm={setConfirm} />
            {reset.isError && (
              <Alert color="red" role="alert" data-testid="reset-error">
                {errorText(reset.error, t)}
              </Alert>
            )}
            <Button type="submit" loading={reset.isPending} disabled={password === '' || password !== confirm} data-testid="save-password">
              {t('account.savePassword')}
            </Button>
          </Stack>
        </form>
      )}
      <SignInLink />
    </PublicCard>
  );
}

export function VerifyEmailPage() {
  const { t } = useTranslation('admin');
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const verify = useVerifyEmail();
  const sent = useRef(false);
  useEffect(() => {
    // Once, even under StrictMode's double effects: the token is single-use.
    if (token && !sent.current) {
      sent.current = true;
      verify.mutate(token);
    }
  }, [token, verify]);
  return (
    <PublicCard title={t('account.verifyTitle')}>
      {!token ? (
        <Alert color="red">{t('errors.invalid_link')}</Alert>
      ) : verify.isSuccess ? (
        <Alert color="green" data-testid="email-verified">
          {t('account.verified', { email: verify.data.email })}
        </Alert>
      ) : verify.isError ? (
        <Alert color="red" role="alert" data-testid="verify-error">
          {errorText(verify.error, t)}
        </Alert>
      ) : (
        <Loader aria-label={t('loading')} />
      )}
      <SignInLink />
    </PublicCard>
  );
}

export function AcceptInvitationPage() {
  const { t } = useTranslation('admin');
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const accept = useAcceptInvitation();
  const mfaRequired = accept.isSuccess && 'mfa_required' in accept.data && accept.data.mfa_required === true;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password !== confirm) return;
    accept.mutate(
      { token, password, ...(firstName.trim() ? { first_name: firstName.trim() } : {}), ...(lastName.trim() ? { last_name: lastName.trim() } : {}) },
      { onSuccess: (answer) => !('mfa_required' in answer && answer.mfa_required === true) && void navigate('/admin/bookings', { replace: true }) },
    );
  };
  return (
    <PublicCard title={t('account.invitationTitle')}>
      {!token ? (
        <Alert color="red">{t('errors.invalid_link')}</Alert>
      ) : mfaRequired ? (
        <Alert color="blue" data-testid="invitation-mfa">
          {t('account.invitationMfa')}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <Text>{t('account.invitationHelp')}</Text>
            <TextInput label={t('account.firstName')} autoComplete="given-name" value={firstName} onChange={(event) => setFirstName(event.currentTarget.value)} data-testid="first-name" />
            <TextInput label={t('account.lastName')} autoComplete="family-name" value={lastName} onChange={(event) => setLastName(event.currentTarget.value)} data-testid="last-name" />
            <NewPassword value={password} onChange={setPassword} confirm={confirm} onConfirm={setConfirm} />
            {accept.isError && (
              <Alert color="red" role="alert" data-testid="invitation-error">
                {errorText(accept.error, t)}
              </Alert>
            )}
            <Button type="submit" loading={accept.isPending} disabled={password === '' || password !== confirm} data-testid="accept-invitation">
              {t('account.join')}
            </Button>
          </Stack>
        </form>
      )}
      <SignInLink />
    </PublicCard>
  );
}
