import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '@reservehub/api-client';
import { usePasswordSignIn, useRequestSignInCode, useVerifySignIn } from './api/use-account.ts';
import './account-i18n.ts';
import flow from '../booking/booking-flow.module.css';
import styles from './account.module.css';

type Mode = 'email' | 'code' | 'password';

/** One address, roughly: the server checks it exactly (and answers the same whether it has an account). */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

/** The server's refusal as words to act on (`errors.*` keys of the account namespace). */
function problemOf(error: unknown): string {
  if (!(error instanceof ApiError)) return 'errors.generic';
  if (error.code === 'NETWORK_ERROR') return 'errors.network';
  if (error.code === 'INVALID_CODE') return 'errors.invalidCode';
  if (error.code === 'UNAUTHENTICATED') return 'errors.wrongPassword';
  if (error.code === 'CUSTOMER_BANNED') return 'errors.banned';
  if (error.status === 429) return 'errors.tooMany';
  return 'errors.generic';
}

const needsName = (error: unknown) =>
  error instanceof ApiError &&
  error.code === 'VALIDATION_ERROR' &&
  Array.isArray(error.details) &&
  error.details.some((detail: { field?: string }) => detail.field === 'first_name');

/**
 * Sign in at this business with a code emailed to you (a first code also creates the account:
 * then a first name is asked), or with a password when one is set.
 */
export function SignInForm({ slug, initialEmail = '', onSignedIn }: { slug: string; initialEmail?: string; onSignedIn?: () => void }) {
  const { t } = useTranslation('account');
  const [mode, setMode] = useState<Mode>('email');
  const [email, setEmail] = useState(initialEmail);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [emailError, setEmailError] = useState<string | null>(null);
  const send = useRequestSignInCode(slug);
  const verify = useVerifySignIn(slug);
  const login = usePasswordSignIn(slug);
  const codeInput = useRef<HTMLInputElement>(null);
  const asking = needsName(verify.error);
  const problem = [send.error, asking ? null : verify.error, login.error].find(Boolean);

  useEffect(() => {
    if (mode === 'code') codeInput.current?.focus();
  }, [mode]);

  const checkEmail = (): boolean => {
    const ok = EMAIL.test(email.trim());
    setEmailError(ok ? null : t('errors.email'));
    return ok;
  };
  const sendCode = (event?: FormEvent) => {
    event?.preventDefault();
    if (!checkEmail()) return;
    send.mutate(email.trim(), { onSuccess: () => setMode('code') });
  };
  const submitCode = (event: FormEvent) => {
    event.preventDefault();
    if (!/^\d{6}$/.test(code) || (asking && firstName.trim() === '')) return;
    const names = asking ? { first_name: firstName.trim(), ...(lastName.trim() ? { last_name: lastName.trim() } : {}) } : {};
    verify.mutate({ email: email.trim(), code, ...names }, { onSuccess: () => onSignedIn?.() });
  };
  const submitPassword = (event: FormEvent) => {
    event.preventDefault();
    if (!checkEmail() || password === '') return;
    login.mutate({ email: email.trim(), password }, { onSuccess: () => onSignedIn?.() });
  };

  const emailField = (
    <div className={flow.field}>
      <label htmlFor="account-email">{t('signIn.email')}</label>
      <input
        id="account-email"
        data-testid="account-email"
        type="email"
        autoComplete="email"
        value={email}
        aria-invalid={emailError ? true : undefined}
        aria-describedby={emailError ? 'account-email-error' : undefined}
        onChange={(event) => setEmail(event.target.value)}
      />
      {emailError ? (
        <p id="account-email-error" className={flow.fieldError}>
          {emailError}
        </p>
      ) : null}
    </div>
  );

  return (
    <section className={styles.signIn} aria-labelledby="sign-in-title" data-testid="sign-in">
      <h2 id="sign-in-title" className={flow.stepTitle}>
        {t('signIn.title')}
      </h2>
      {mode === 'email' ? (
        <form className={flow.form} onSubmit={sendCode} noValidate>
          <p className={flow.hint}>{t('signIn.lead')}</p>
          {emailField}
          <button type="submit" className={flow.primary} disabled={send.isPending} data-testid="account-send-code">
            {send.isPending ? t('signIn.sending') : t('signIn.sendCode')}
          </button>
        </form>
      ) : mode === 'code' ? (
        <form className={flow.form} onSubmit={submitCode} noValidate>
          <p role="status">{t('signIn.codeSent', { email: email.trim() })}</p>
          <div className={flow.field}>
            <label htmlFor="account-code">{t('signIn.code')}</label>
            <input
              id="account-code"
              ref={codeInput}
              data-testid="account-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              value={code}
              onChange={(event) => setCode(event.target.value.replace(/\D/g, '').slice(0, 6))}
            />
          </div>
          {asking ? (
            <>
              <p role="status">{t('signIn.newAccount')}</p>
              <div className={flow.field}>
                <label htmlFor="account-first-name">{t('signIn.firstName')}</label>
                <input id="account-first-name" data-testid="account-first-name" autoComplete="given-name" value={firstName} onChange={(event) => setFirstName(event.target.value)} />
              </div>
              <div className={flow.field}>
                <label htmlFor="account-last-name">{t('signIn.lastName')}</label>
                <input id="account-last-name" data-testid="account-last-name" autoComplete="family-name" value={lastName} onChange={(event) => setLastName(event.target.value)} />
              </div>
            </>
          ) : null}
          <button type="submit" className={flow.primary} disabled={code.length !== 6 || verify.isPending} data-testid="account-verify">
            {verify.isPending ? t('signIn.signingIn') : asking ? t('signIn.create') : t('signIn.submit')}
          </button>
          <div className={styles.row}>
            <button type="button" className={flow.link} onClick={() => sendCode()} disabled={send.isPending}>
              {t('signIn.sendAgain')}
            </button>
            <button
              type="button"
              className={flow.link}
              onClick={() => {
                setMode('email');
                setCode('');
                verify.reset();
              }}
            >
              {t('signIn.otherEmail')}
            </button>
          </div>
        </form>
      ) : (
        <form className={flow.form} onSubmit={submitPassword} noValidate>
          {emailField}
          <div className={flow.field}>
            <label htmlFor="account-password">{t('signIn.password')}</label>
            <input
              id="account-password"
              data-testid="account-password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </div>
          <button type="submit" className={flow.primary} disabled={login.isPending} data-testid="account-password-submit">
            {login.isPending ? t('signIn.signingIn') : t('signIn.submit')}
          </button>
        </form>
      )}
      {problem ? (
        <p role="alert" className={flow.fieldError} data-testid="sign-in-error">
          {t(problemOf(problem))}
        </p>
      ) : null}
      {mode !== 'code' ? (
        <button
          type="button"
          className={flow.link}
          data-testid="account-switch-method"
          onClick={() => {
            setMode(mode === 'password' ? 'email' : 'password');
            send.reset();
            login.reset();
          }}
        >
          {mode === 'password' ? t('signIn.useCode') : t('signIn.usePassword')}
        </button>
      ) : null}
    </section>
  );
}
