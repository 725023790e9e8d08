import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMyConsents, useUpdateProfile } from './api/use-account.ts';
import type { AccountProfile } from './api/use-my-account.ts';
import { LoadError, Skeleton } from '../../shared/ui/page-state.tsx';
import flow from '../booking/booking-flow.module.css';
import styles from './account.module.css';

/** My name, the language of my messages and marketing consent (PATCH /me), then the consent history. */
export function ProfilePanel({ slug, profile }: { slug: string; profile: AccountProfile }) {
  const { t } = useTranslation('account');
  const update = useUpdateProfile(slug);
  const [firstName, setFirstName] = useState(profile.first_name);
  const [lastName, setLastName] = useState(profile.last_name ?? '');
  const [language, setLanguage] = useState(typeof profile.preferences.language === 'string' ? profile.preferences.language : '');
  const [marketing, setMarketing] = useState(profile.marketing_consent);
  const [nameError, setNameError] = useState(false);

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (firstName.trim() === '') {
      setNameError(true);
      return;
    }
    setNameError(false);
    update.mutate({
      first_name: firstName.trim(),
      last_name: lastName.trim() === '' ? null : lastName.trim(),
      ...(language ? { preferences: { language } } : {}),
      ...(marketing !== profile.marketing_consent ? { marketing_consent: marketing } : {}),
    });
  };

  return (
    <>
      <section className={styles.panel} aria-labelledby="profile-title" data-testid="profile-panel">
        <h2 id="profile-title" className={styles.sectionTitle}>
          {t('profile.title')}
        </h2>
        <form className={flow.form} onSubmit={save} noValidate>
          <div className={flow.field}>
            <label htmlFor="profile-first-name">{t('signIn.firstName')}</label>
            <input
              id="profile-first-name"
              data-testid="profile-first-name"
              autoComplete="given-name"
              value={firstName}
              aria-invalid={nameError ? true : undefined}
              aria-describedby={nameError ? 'profile-first-name-error' : undefined}
              onChange={(event) => setFirstName(event.target.value)}
            />
            {nameError ? (
              <p id="profile-first-name-error" className={flow.fieldError}>
                {t('errors.firstName')}
              </p>
            ) : null}
          </div>
          <div className={flow.field}>
            <label htmlFor="profile-last-name">{t('signIn.lastName')}</label>
            <input id="profile-last-name" autoComplete="family-name" value={lastName} onChange={(event) => setLastName(event.target.value)} />
          </div>
          <p className={styles.muted}>
            {t('profile.email')}: <span data-testid="profile-email">{profile.email}</span>
          </p>
          <div className={flow.field}>
            <label htmlFor="profile-language">{t('profile.language')}</label>
            <select id="profile-language" className={styles.select} value={language} onChange={(event) => setLanguage(event.target.value)}>
              <option value="">{t('profile.languageDefault')}</option>
              <option value="es">Español</option>
              <option value="en">English</option>
            </select>
          </div>
          <label className={styles.check}>
            <input type="checkbox" checked={marketing} onChange={(event) => setMarketing(event.target.checked)} data-testid="profile-marketing" />
            <span>{t('profile.marketing')}</span>
          </label>
          <button type="submit" className={flow.primary} disabled={update.isPending} data-testid="profile-save">
            {update.isPending ? t('saving') : t('save')}
          </button>
          <div aria-live="polite">
            {update.isSuccess ? (
              <p className={styles.notice} data-testid="profile-saved">
                {t('profile.saved')}
              </p>
            ) : null}
            {update.isError ? (
              <p role="alert" className={flow.fieldError}>
                {t('errors.generic')}
              </p>
            ) : null}
          </div>
        </form>
      </section>
      <ConsentHistory slug={slug} />
    </>
  );
}

function ConsentHistory({ slug }: { slug: string }) {
  const { t, i18n } = useTranslation('account');
  const consents = useMyConsents(slug);
  const date = (value: string) => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value));
  return (
    <section className={styles.panel} aria-labelledby="consents-title" data-testid="consent-history">
      <h2 id="consents-title" className={styles.sectionTitle}>
        {t('profile.consents')}
      </h2>
      {consents.isPending ? (
        <Skeleton lines={2} />
      ) : consents.isError ? (
        <LoadError error={consents.error} onRetry={() => void consents.refetch()} />
      ) : consents.data.length === 0 ? (
        <p className={styles.empty}>{t('profile.noConsents')}</p>
      ) : (
        <ul className={styles.history}>
          {consents.data.map((consent) => (
            <li key={consent.id} data-testid="consent-entry">
              {t(`profile.consentType.${consent.consent_type}`, { defaultValue: consent.consent_type })} ·{' '}
              {consent.withdrawn_at ? t('profile.withdrawn', { date: date(consent.withdrawn_at) }) : t('profile.granted', { date: date(consent.granted_at) })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
