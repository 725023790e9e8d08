import { ApiError } from '@reservehub/api-client';
import i18next, { type TFunction } from 'i18next';
import { errorText } from '../ui/error-text.ts';
import complianceEn from './i18n/compliance-en.json';
import complianceEs from './i18n/compliance-es.json';

// The GDPR requests' and the compliance report's words load with their chunks, in a namespace of their own.
i18next.addResourceBundle('en', 'compliance', complianceEn, true, true);
i18next.addResourceBundle('es', 'compliance', complianceEs, true, true);

export const COMPLIANCE_NAMESPACES = ['compliance', 'admin'] as const;
export type ComplianceT = TFunction<typeof COMPLIANCE_NAMESPACES>;

const DAY_MS = 86_400_000;

/** "5 dic 2026" in the browser's zone. */
export function dayOf(instant: string, language: string): string {
  return new Intl.DateTimeFormat(language, { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(instant));
}

/** "5 dic 2026, 17:04" in the browser's zone. */
export function momentOf(instant: string, language: string): string {
  return new Intl.DateTimeFormat(language, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(instant));
}

/** A calendar day of the API (YYYY-MM-DD, UTC) in words: "5 de diciembre de 2026". */
export function calendarDay(day: string, language: string): string {
  return new Intl.DateTimeFormat(language, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

/** Whole calendar days (in the browser's zone) from `now` to `instant`: negative when it is past. */
export function calendarDaysUntil(instant: string, now: Date = new Date()): number {
  const midnight = (date: Date) => Date.UTC(date.getFullYear(), date.getMonth(), date.getDate());
  return Math.round((midnight(new Date(instant)) - midnight(now)) / DAY_MS);
}

/**
 * When an open request's answer is due, relative to today: "vence en 12 días", "vence hoy", "venció hace 3 días".
 * The API's `overdue` (open past the due instant) decides on the due day itself.
 */
export function dueText(request: { due_at: string; overdue: boolean }, t: ComplianceT, now: Date = new Date()): string {
  const days = calendarDaysUntil(request.due_at, now);
  if (request.overdue) return days < 0 ? t('compliance:due.overdueBy', { count: -days }) : t('compliance:due.overdueToday');
  return days <= 0 ? t('compliance:due.today') : t('compliance:due.in', { count: days });
}

/** An API refusal in one sentence that says what to do next, as the dashboard words it. */
export function apiErrorText(error: unknown, t: ComplianceT): string {
  return errorText(error, t as unknown as TFunction<'admin'>);
}

/** A refused report period in words (the API says which bound is wrong); any other refusal as the dashboard words it. */
export function reportErrorText(error: unknown, t: ComplianceT): string {
  if (error instanceof ApiError && error.code === 'VALIDATION_ERROR') {
    if (/two years/i.test(error.message)) return t('compliance:report.periodTooLong');
    if (/starts after/i.test(error.message)) return t('compliance:report.periodReversed');
    return t('compliance:report.periodInvalid');
  }
  return apiErrorText(error, t);
}

/** Today (UTC, the API's calendar) and the same day a year earlier: the report's default period, as the API chooses it. */
export function defaultPeriod(now: Date = new Date()): { from: string; to: string } {
  const to = now.toISOString().slice(0, 10);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - 365 * DAY_MS).toISOString().slice(0, 10);
  return { from, to };
}
