import type { AuditFilters } from './use-team.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The URL's filter keys shared by the business's audit log and the platform's audit trail. */
export const AUDIT_FILTER_KEYS = ['action', 'actor', 'entity_type', 'from', 'to'] as const;

/** The local day's start as an instant ("2026-12-05" → its midnight in the browser's zone). */
function dayStart(date: string, plusDays = 0): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  return new Date(year, month - 1, day + plusDays).toISOString();
}

/** The API's filters from the URL's (dates as whole local days, the end day included). */
export function apiFilters(params: URLSearchParams): { filters: AuditFilters; rangeInvalid: boolean } {
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const rangeInvalid = DATE.test(from) && DATE.test(to) && from > to;
  const filters: AuditFilters = {};
  for (const key of ['action', 'actor', 'entity_type'] as const) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  if (!rangeInvalid && DATE.test(from)) filters.from = dayStart(from);
  if (!rangeInvalid && DATE.test(to)) filters.to = dayStart(to, 1);
  return { filters, rangeInvalid };
}
