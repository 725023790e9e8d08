import { ApiError } from '@reservehub/api-client';
import type { TFunction } from 'i18next';
import { errorText } from '../ui/error-text.ts';

/**
 * A refused move or booking in one sentence that says what to do: the calendar's own sentence for
 * the error's `details.reason` (`taken`, `outside_hours`, `too_close_to_start`…) or code, else the
 * dashboard's table (errorText).
 */
export function calendarErrorText(error: unknown, t: TFunction<['calendar', 'admin']>): string {
  if (error instanceof ApiError) {
    const reason = typeof error.details === 'object' && error.details !== null ? (error.details as { reason?: unknown }).reason : undefined;
    for (const key of [typeof reason === 'string' ? reason : null, error.code]) {
      if (key && t(`calendar:errors.${key}`, { defaultValue: '' })) return t(`calendar:errors.${key}`);
    }
  }
  return errorText(error, t as unknown as TFunction<'admin'>);
}
