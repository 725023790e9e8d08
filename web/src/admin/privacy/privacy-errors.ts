import { ApiError } from '@reservehub/api-client';
import type { TFunction } from 'i18next';
import { errorText } from '../ui/error-text.ts';

export type PrivacyT = TFunction<['privacy', 'admin']>;

/**
 * A refusal on the privacy screen in one sentence that says what to do: the screen's sentence for
 * the code in this `context` (`refuse.VALIDATION_ERROR`), then for the code anywhere on the
 * screen, else the dashboard's table (errorText).
 */
export function privacyErrorText(error: unknown, t: PrivacyT, context?: string): string {
  if (error instanceof ApiError) {
    for (const key of [context ? `${context}.${error.code}` : null, error.code]) {
      if (key && t(`privacy:errors.${key}`, { defaultValue: '' })) return t(`privacy:errors.${key}`);
    }
  }
  return errorText(error, t as unknown as TFunction<'admin'>);
}
