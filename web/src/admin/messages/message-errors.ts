import { ApiError } from '@reservehub/api-client';
import type { TFunction } from 'i18next';
import { errorText } from '../ui/error-text.ts';

/** The first field a 400 names (`body`, `subject`, `settings.payment_hold_minutes`) and its server message. */
export function fieldError(error: unknown): { field: string; message: string } | null {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return null;
  const [first] = error.details as Array<{ field?: unknown; message?: unknown }>;
  if (!first || typeof first.field !== 'string') return null;
  return { field: first.field, message: typeof first.message === 'string' ? first.message : '' };
}

/**
 * A sentence for a failure on this screen: its own cases first (a template mistake, a locked
 * template, a message still on its way), then the dashboard's.
 */
export function messagesErrorText(error: unknown, t: TFunction<'admin'>, tm: TFunction<'messages'>): string {
  if (error instanceof ApiError) {
    const field = fieldError(error);
    if (field && (field.field === 'body' || field.field === 'subject' || field.field === 'body_html')) {
      return tm('errors.template', { part: tm(`errors.parts.${field.field === 'subject' ? 'subject' : 'body'}`), message: field.message });
    }
    if (tm(`errors.${error.code}`, { defaultValue: '' })) return tm(`errors.${error.code}`);
  }
  return errorText(error, t);
}
