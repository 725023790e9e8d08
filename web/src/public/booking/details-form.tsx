import { useEffect, type ReactNode } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { standardSchemaResolver } from '@hookform/resolvers/standard-schema';
import { detailsSchema, EMPTY_DETAILS, type Details } from './details.ts';
import styles from './booking-flow.module.css';

interface DetailsFormProps {
  value: Details;
  onChange: (value: Details) => void;
  /** The checked details (the same as the last `onChange`). */
  onSubmit: (details: Details) => void;
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
 * First name, last name, e-mail, phone and notes (react-hook-form + the zod schema in details.ts):
 * each field is checked once it has been left (or the form sent), then as it is typed, so nobody
 * is scolded for a half-typed address. What is typed goes up as it changes, so it survives going
 * back to another time.
 */
export function DetailsForm({ value, onChange, onSubmit, busy, children }: DetailsFormProps) {
  const { t } = useTranslation('booking');
  const form = useForm<Details>({ defaultValues: value, mode: 'onTouched', resolver: standardSchemaResolver(detailsSchema) });
  const { errors } = form.formState;

  useEffect(() => {
    const subscription = form.watch((values) => onChange({ ...EMPTY_DETAILS, ...values }));
    return () => subscription.unsubscribe();
  }, [form, onChange]);

  return (
    <form className={styles.form} onSubmit={form.handleSubmit(onSubmit)} noValidate data-testid="details-form">
      {FIELDS.map((field) => {
        const error = errors[field.name]?.message;
        return (
          <div key={field.name} className={styles.field}>
            <label htmlFor={`field-${field.name}`}>{t(field.label)}</label>
            <input
              id={`field-${field.name}`}
              data-testid={field.testId}
              type={field.type}
              autoComplete={field.autoComplete}
              inputMode={field.type === 'tel' ? 'tel' : undefined}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `error-${field.name}` : field.name === 'phone' ? 'hint-phone' : undefined}
              {...form.register(field.name)}
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
          aria-invalid={errors.notes ? true : undefined}
          aria-describedby={errors.notes ? 'error-notes' : undefined}
          {...form.register('notes')}
        />
        {errors.notes?.message ? (
          <p id="error-notes" className={styles.fieldError}>
            {t(errors.notes.message)}
          </p>
        ) : null}
      </div>
      {children}
      <button type="submit" className={styles.primary} data-testid="confirm-booking" disabled={busy}>
        {busy ? t('confirming') : t('confirm')}
      </button>
    </form>
  );
}
