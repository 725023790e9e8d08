import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { validateDetails, type Details } from './details.ts';
import styles from './booking-flow.module.css';

interface DetailsFormProps {
  value: Details;
  onChange: (value: Details) => void;
  onSubmit: () => void;
  busy: boolean;
  children?: ReactNode;
}

const FIELDS = [
  { name: 'firstName', testId: 'first-name', label: 'firstName', autoComplete: 'given-name', type: 'text' },
  { name: 'lastName', testId: 'last-name', label: 'lastName', autoComplete: 'family-name', type: 'text' },
  { name: 'email', testId: 'email', label: 'email', autoComplete: 'email', type: 'email' },
  { name: 'phone', testId: 'phone', label: 'phone', autoComplete: 'tel', type: 'tel' },
] as const;

/**
 * First name, last name, e-mail, phone and notes; each field is checked as it is typed once it
 * has been left (or the form sent), so nobody is scolded for a half-typed address.
 */
export function DetailsForm({ value, onChange, onSubmit, busy, children }: DetailsFormProps) {
  const { t } = useTranslation('booking');
  const [touched, setTouched] = useState<Partial<Record<keyof Details, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const errors = validateDetails(value);
  const shown = (name: keyof Details) => (submitted || touched[name] ? errors[name] : undefined);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(errors).length > 0) {
      const first = FIELDS.find((field) => errors[field.name]) ?? (errors.notes ? { testId: 'notes' } : null);
      if (first) document.querySelector<HTMLElement>(`[data-testid="${first.testId}"]`)?.focus();
      return;
    }
    onSubmit();
  };

  return (
    <form className={styles.form} onSubmit={submit} noValidate data-testid="details-form">
      {FIELDS.map((field) => {
        const error = shown(field.name);
        return (
          <div key={field.name} className={styles.field}>
            <label htmlFor={`field-${field.name}`}>{t(field.label)}</label>
            <input
              id={`field-${field.name}`}
              data-testid={field.testId}
              type={field.type}
              autoComplete={field.autoComplete}
              inputMode={field.type === 'tel' ? 'tel' : undefined}
              value={value[field.name]}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `error-${field.name}` : field.name === 'phone' ? 'hint-phone' : undefined}
              onChange={(event) => onChange({ ...value, [field.name]: event.target.value })}
              onBlur={() => setTouched((current) => ({ ...current, [field.name]: true }))}
            />
            {error ? (
              <p id={`error-${field.name}`} className={styles.fieldError} data-testid={`${field.testId}-error`}>
                {t(error)}
              </p>
            ) : field.name === 'phone' ? (
              <p id="hint-phone" className={styles.hint}>
                {t('phoneHint')}
              </p>
            ) : null}
          </div>
        );
      })}
      <div className={styles.field}>
        <label htmlFor="field-notes">{t('notes')}</label>
        <textarea
          id="field-notes"
          data-testid="notes"
          rows={3}
          value={value.notes}
          aria-invalid={shown('notes') ? true : undefined}
          onChange={(event) => onChange({ ...value, notes: event.target.value })}
          onBlur={() => setTouched((current) => ({ ...current, notes: true }))}
        />
        {shown('notes') ? <p className={styles.fieldError}>{t(shown('notes') ?? '')}</p> : null}
      </div>
      {children}
      <button type="submit" className={styles.primary} data-testid="confirm-booking" disabled={busy}>
        {busy ? t('confirming') : t('confirm')}
      </button>
    </form>
  );
}
