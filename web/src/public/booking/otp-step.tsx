import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '@reservehub/api-client';
import { useSendCode, useVerifyCode } from '../../shared/api/use-verification.ts';
import { currentLanguage } from '../../shared/i18n/i18n.ts';
import styles from './booking-flow.module.css';

function errorKey(error: unknown): string {
  if (!(error instanceof ApiError)) return 'errors.generic';
  if (error.code === 'NETWORK_ERROR') return 'errors.network';
  if (error.code === 'INVALID_CODE') return 'errors.invalidCode';
  if (error.status === 429) return 'errors.tooManyCodes';
  return 'errors.generic';
}

/** The guest proves the e-mail is theirs: a code is sent, typed back, and its token carried by the booking. */
export function OtpStep({ slug, destination, busy, onVerified }: { slug: string; destination: string; busy: boolean; onVerified: (token: string) => void }) {
  const { t } = useTranslation('booking');
  const send = useSendCode(slug);
  const verify = useVerifyCode(slug);
  const [code, setCode] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!/^\d{6}$/.test(code)) return;
    verify.mutate({ destination, code }, { onSuccess: (data) => onVerified(data.verification_token) });
  };
  const error = send.error ?? verify.error;

  return (
    <section className={styles.otp} data-testid="otp-step">
      <p>{t('verifyText', { destination })}</p>
      <button
        type="button"
        className={send.isSuccess ? styles.secondary : styles.primary}
        data-testid="send-otp"
        disabled={send.isPending}
        onClick={() => send.mutate({ channel: 'email', destination, language: currentLanguage() })}
      >
        {send.isPending ? t('sending') : send.isSuccess ? t('sendAgain') : t('sendCode')}
      </button>
      {send.isSuccess ? (
        <p role="status" className={styles.hint}>
          {t('codeSent', { minutes: Math.max(1, Math.round(send.data.expires_in / 60)) })}
        </p>
      ) : null}
      {send.isSuccess ? (
        <form className={styles.form} onSubmit={submit}>
          <div className={styles.field}>
            <label htmlFor="otp-code">{t('code')}</label>
            <input
              id="otp-code"
              data-testid="otp-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              value={code}
              onChange={(event) => {
                setCode(event.target.value.replace(/\D/g, '').slice(0, 6));
                if (verify.isError) verify.reset();
              }}
            />
          </div>
          <button type="submit" className={styles.primary} data-testid="verify-otp" disabled={code.length !== 6 || verify.isPending || busy}>
            {verify.isPending || busy ? t('confirming') : t('verify')}
          </button>
        </form>
      ) : null}
      {error ? (
        <p role="alert" className={styles.fieldError}>
          {t(errorKey(error))}
        </p>
      ) : null}
    </section>
  );
}
