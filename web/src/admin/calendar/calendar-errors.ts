import { ApiError } from '@reservehub/api-client';
import type { TFunction } from 'i18next';
import { errorText } from '../ui/error-text.ts';

/**
 * A refused move or booking in one sentence that says what to do: the calendar's own sentence for
 * the error's `details.reason` (`taken`, `outside_hours`, `too_close_to_start`…) or code, else the
 * dashboard's table (errorText). `resizeErrors` words a refused change of length.
 */
export function calendarErrorText(error: unknown, t: TFunction<['calendar', 'admin']>, scope: 'errors' | 'resizeErrors' = 'errors'): string {
  if (error instanceof ApiError) {
    const reason = typeof error.details === 'object' && error.details !== null ? (error.details as { reason?: unknown }).reason : undefined;
    // A resize's own sentences first (an overlap is the next booking, not a taken start), then the calendar's.
    const groups = scope === 'errors' ? ['errors'] : [scope, 'errors'];
    for (const group of groups) {
      for (const key of [typeof reason === 'string' ? reason : null, error.code]) {
        if (key && t(`calendar:${group}.${key}`, { defaultValue: '' })) return t(`calendar:${group}.${key}`);
      }
    }
  }
  return errorText(error, t as unknown as TFunction<'admin'>);
}
