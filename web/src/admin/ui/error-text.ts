import { ApiError } from '@reservehub/api-client';
import type { TFunction } from 'i18next';

/**
 * One sentence for an API failure that says what to do next: the error's `details.reason`
 * when the table has one (`not_started`), else its code, else a generic sentence with the
 * request's reference for support.
 */
export function errorText(error: unknown, t: TFunction<'admin'>): string {
  if (error instanceof ApiError) {
    const reason = typeof error.details === 'object' && error.details !== null ? (error.details as { reason?: unknown }).reason : undefined;
    if (typeof reason === 'string' && t(`errors.${reason}`, { defaultValue: '' })) return t(`errors.${reason}`);
    const field = fieldProblem(error.details);
    if (field) return field(t);
    if (t(`errors.${error.code}`, { defaultValue: '' })) return t(`errors.${error.code}`);
    return t('errors.generic', { reference: error.requestId ?? error.code });
  }
  return t('errors.generic', { reference: '—' });
}

/** A validation failure on one field that has its own sentence (a weak password, a used link). */
function fieldProblem(details: unknown): ((t: TFunction<'admin'>) => string) | null {
  if (!Array.isArray(details)) return null;
  const [first] = details as Array<{ field?: unknown; message?: unknown; code?: unknown }>;
  if (!first) return null;
  if (first.code === 'password_length' || first.code === 'password_breached') return (t) => t(`errors.${String(first.code)}`);
  if (first.field === 'token') return (t) => t('errors.invalid_link');
  if (first.field === 'password' && first.message === 'incorrect') return (t) => t('errors.password_incorrect');
  return null;
}
