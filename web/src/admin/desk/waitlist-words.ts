import { ApiError } from '@reservehub/api-client';
import i18next, { type TFunction } from 'i18next';
import { errorText } from '../ui/error-text.ts';
import waitlistEn from './i18n/waitlist-en.json';
import waitlistEs from './i18n/waitlist-es.json';

/** The waitlist's and group booking's words, added once i18next runs: the desk loads with the app, before i18next starts. */
function addWords(): void {
  i18next.addResourceBundle('en', 'waitlist', waitlistEn, true, true);
  i18next.addResourceBundle('es', 'waitlist', waitlistEs, true, true);
}
if (i18next.isInitialized) addWords();
else i18next.on('initialized', addWords);

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
