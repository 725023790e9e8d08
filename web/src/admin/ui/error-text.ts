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
    if (t(`errors.${error.code}`, { defaultValue: '' })) return t(`errors.${error.code}`);
    return t('errors.generic', { reference: error.requestId ?? error.code });
  }
  return t('errors.generic', { reference: '—' });
}
