import { ApiError } from '@reservehub/api-client';
import type { TFunction } from 'i18next';
import { errorText } from '../ui/error-text.ts';

export type DevT = TFunction<['developers', 'admin']>;

/** The first field-level problem the API named (`details: [{ field, code, message }]`), if any. */
export function fieldIssue(error: unknown): { field: string; code: string | null } | null {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return null;
  const [first] = error.details as Array<{ field?: unknown; code?: unknown }>;
  if (!first || typeof first.field !== 'string') return null;
  return { field: first.field, code: typeof first.code === 'string' ? first.code : null };
}

/**
 * A refusal in one sentence that says what to do: this screen's own sentence for the field
 * problem's code (`non_public_address`…) or the error's code, else the dashboard's table.
 */
export function developersErrorText(error: unknown, t: DevT): string {
  if (error instanceof ApiError) {
    for (const key of [fieldIssue(error)?.code ?? null, error.code]) {
      if (key && t(`developers:errors.${key}`, { defaultValue: '' })) return t(`developers:errors.${key}`);
    }
  }
  return errorText(error, t as unknown as TFunction<'admin'>);
}

/** "5 dic 2026, 17:04" in the browser's zone; `seconds` for the delivery log, where they tell attempts apart. */
export function when(instant: string | null, language: string, seconds = false): string {
  if (!instant) return '—';
  return new Intl.DateTimeFormat(language, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) }).format(new Date(instant));
}
