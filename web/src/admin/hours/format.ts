import { ApiError } from '@reservehub/api-client';
import type { TFunction } from 'i18next';
import { errorText } from '../ui/error-text.ts';
import { minutesOf } from './week-model.ts';

/** "9:30" / "9:30 AM": a wall time of the location in the reader's language (no zone shift). */
export function wallLabel(text: string, language: string): string {
  const minutes = minutesOf(text, text === '24:00');
  if (minutes === null) return text;
  return new Intl.DateTimeFormat(language, { timeZone: 'UTC', hour: 'numeric', minute: '2-digit' }).format(new Date(Date.UTC(2000, 0, 1, 0, minutes)));
}

/** "9:30–14:00" */
export function rangeLabel(range: { start: string; end: string }, language: string): string {
  return `${wallLabel(range.start, language)}–${wallLabel(range.end, language)}`;
}

/** One sentence for a failure: this screen's own words for its codes, else the dashboard's table. */
export function hoursErrorText(error: unknown, t: TFunction<['hours', 'admin']>): string {
  if (error instanceof ApiError && t(`hours:errors.${error.code}`, { defaultValue: '' })) return t(`hours:errors.${error.code}`);
  return errorText(error, t as unknown as TFunction<'admin'>);
}

/** The fields a validation refusal names (`body.email` → `email`), with the server's message. */
export function fieldIssues(error: unknown): Map<string, string> {
  const found = new Map<string, string>();
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return found;
  for (const issue of error.details as Array<{ field?: unknown; message?: unknown }>) {
    if (typeof issue.field !== 'string') continue;
    const field = issue.field.replace(/^body\./, '').split('.')[0] ?? '';
    if (!found.has(field)) found.set(field, typeof issue.message === 'string' ? issue.message : '');
  }
  return found;
}
