import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '@reservehub/api-client';
import { useChangePassword, useCloseAccount, useExportMyData } from './api/use-account.ts';
import type { AccountProfile } from './api/use-my-account.ts';
import flow from '../booking/booking-flow.module.css';
import styles from './account.module.css';

/** Password, a copy of everything held about me, and closing the account (GDPR Art. 15, 17, 20). */
export function PrivacyPanel({ slug, profile, onClosed }: { slug: string; profile: AccountProfile; onClosed: () => void }) {
  return (
    <>
      <PasswordForm slug={slug} hasPassword={profile.has_password} />
      <ExportData slug={slug} />
      <CloseAccount slug={slug} onClosed={onClosed} />
    </>
  );
}

function PasswordForm({ slug, hasPassword }: { slug: string; hasPassword: boolean }) {
  const { t } = useTranslation('account');
  const change = useChangePassword(slug);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [tooShort, setTooShort] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const short = next.length < 12;
    setTooShort(short);
    if (short) return;
    change.mutate(
      { new_password: next, ...(hasPassword ? { current_password: current } : {}) },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
        },
      },
    );
  };
  const refusal =
    change.error instanceof ApiError && change.error.code === 'VALIDATION_ERROR'
      ? t('privacy.passwordRefused')
      : change.error instanceof ApiError && change.error.status === 401
        ? t('errors.wrongPassword')
        : t('errors.generic');
  return (
    <section className={styles.panel} aria-labelledby="password-title" data-testid="password-panel">
      <h2 id="password-title" className={styles.sectionTitle}>
        {hasPassword ? t('privacy.changePassword') : t('privacy.setPassword')}
      </h2>
      <form className={flow.form} onSubmit={submit} noValidate>
        {hasPassword ? (
          <div className={flow.field}>
            <label htmlFor="current-password">{t('privacy.currentPassword')}</label>
            <input id="current-password" type="password" autoComplete="current-password" value={current} onChange={(event) => setCurrent(event.target.value)} />
          </div>
        ) : (
          <p className={styles.muted}>{t('privacy.noPasswordYet')}</p>
        )}
        <div className={flow.field}>
          <label htmlFor="new-password">{t('privacy.newPassword')}</label>
          <input
            id="new-password"
            type="password"
            autoComplete="new-password"
            value={next}
            data-testid="new-password"
            aria-invalid={tooShort ? true : undefined}
            aria-describedby="new-password-hint"
            onChange={(event) => setNext(event.target.value)}
          />
          <p id="new-password-hint" className={tooShort ? flow.fieldError : flow.hint}>
            {t('privacy.passwordHint')}
          </p>
        </div>
        <button type="submit" className={flow.primary} disabled={change.isPending} data-testid="password-save">
          {change.isPending ? t('saving') : t('privacy.savePassword')}
        </button>
        <div aria-live="polite">
          {change.isSuccess ? (
            <p className={styles.notice} data-testid="password-saved">
              {t('privacy.passwordSaved')}
            </p>
          ) : null}
          {change.isError ? (
            <p role="alert" className={flow.fieldError}>
              {refusal}
            </p>
          ) : null}
        </div>
      </form>
    </section>
  );
}

function ExportData({ slug }: { slug: string }) {
  const { t } = useTranslation('account');
  const exporter = useExportMyData(slug);
  const download = (format: 'json' | 'csv') =>
    exporter.mutate(format, {
      onSuccess: (file) => {
        const link = document.createElement('a');
        link.href = URL.createObjectURL(file);
        link.download = `my-data-${slug}.${format}`;
        link.click();
        setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      },
    });
  return (
    <section className={styles.panel} aria-labelledby="export-title" data-testid="export-panel">
      <h2 id="export-title" className={styles.sectionTitle}>
        {t('privacy.exportTitle')}
      </h2>
      <p className={styles.muted}>{t('privacy.exportLead')}</p>
      <div className={styles.row}>
        <button type="button" className={flow.secondary} disabled={exporter.isPending} onClick={() => download('json')} data-testid="export-json">
          {t('privacy.exportJson')}
        </button>
        <button type="button" className={flow.secondary} disabled={exporter.isPending} onClick={() => download('csv')} data-testid="export-csv">
          {t('privacy.exportCsv')}
        </button>
      </div>
      {exporter.isError ? (
        <p role="alert" className={flow.fieldError}>
          {t('errors.generic')}
        </p>
      ) : null}
    </section>
  );
}

function CloseAccount({ slug, onClosed }: { slug: string; onClosed: () => void }) {
  const { t } = useTranslation('account');
  const close = useCloseAccount(slug, onClosed);
  const [open, setOpen] = useState(false);
  const [understood, setUnderstood] = useState(false);
  return (
    <section className={styles.panel} aria-labelledby="close-title" data-testid="close-panel">
      <h2 id="close-title" className={styles.sectionTitle}>
        {t('privacy.closeTitle')}
      </h2>
      {!open ? (
        <button type="button" className={flow.secondary} onClick={() => setOpen(true)} data-testid="close-account">
          {t('privacy.closeStart')}
        </button>
      ) : (
        <div className={styles.page} data-testid="close-confirm">
          <p>{t('privacy.closeText')}</p>
          <label className={styles.check}>
            <input type="checkbox" checked={understood} onChange={(event) => setUnderstood(event.target.checked)} data-testid="close-understood" />
            <span>{t('privacy.closeUnderstood')}</span>
          </label>
          <div className={styles.row}>
            <button
              type="button"
              className={styles.danger}
              disabled={!understood || close.isPending}
              onClick={() => close.mutate()}
              data-testid="close-account-confirm"
            >
              {close.isPending ? t('privacy.closing') : t('privacy.closeConfirm')}
            </button>
            <button type="button" className={flow.secondary} onClick={() => setOpen(false)}>
              {t('privacy.closeKeep')}
            </button>
          </div>
          {close.isError ? (
            <p role="alert" className={flow.fieldError}>
              {t('errors.generic')}
            </p>
          ) : null}
        </div>
      )}
    </section>
  );
}
