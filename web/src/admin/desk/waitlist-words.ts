import { ApiError } from '@reservehub/api-client';
import type { TFunction } from 'i18next';
import { addWordsWhenReady } from '../i18n/add-words.ts';
import { errorText } from '../ui/error-text.ts';
import waitlistEn from './i18n/waitlist-en.json';
import waitlistEs from './i18n/waitlist-es.json';

// The waitlist and group booking load with the desk, in the dashboard's first chunk.
addWordsWhenReady('waitlist', waitlistEn, waitlistEs);

/**
 * A refused waitlist or group request in one sentence: the slot check's `details.reason`
 * (`taken`, `outside_hours`…) or the code in the waitlist's words, else the dashboard's table.
 */
export function waitlistErrorText(error: unknown, t: TFunction<['waitlist', 'admin']>): string {
  if (error instanceof ApiError) {
    const reason = typeof error.details === 'object' && error.details !== null ? (error.details as { reason?: unknown }).reason : undefined;
    for (const key of [typeof reason === 'string' ? reason : null, error.code]) {
      if (key && t(`waitlist:errors.${key}`, { defaultValue: '' })) return t(`waitlist:errors.${key}`);
    }
  }
  return errorText(error, t as unknown as TFunction<'admin'>);
}
