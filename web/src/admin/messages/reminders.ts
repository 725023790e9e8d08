import type { TFunction } from 'i18next';

export type ReminderUnit = 'minutes' | 'hours' | 'days';
export interface ReminderRow {
  key: string;
  amount: number | '';
  unit: ReminderUnit;
}

const FACTOR: Record<ReminderUnit, number> = { minutes: 1, hours: 60, days: 1440 };

/** Offsets in minutes as the largest whole unit each fits (1440 → 1 day, 90 → 90 minutes). */
export function reminderRows(offsets: readonly number[]): ReminderRow[] {
  return offsets.map((minutes, index) => {
    const unit: ReminderUnit = minutes % 1440 === 0 ? 'days' : minutes % 60 === 0 ? 'hours' : 'minutes';
    return { key: `saved-${index}-${minutes}`, amount: minutes / FACTOR[unit], unit };
  });
}

export function rowsToMinutes(rows: readonly ReminderRow[]): number[] {
  return rows.map((row) => (typeof row.amount === 'number' ? row.amount * FACTOR[row.unit] : 0));
}

/** "Customers get a reminder 1 day and 2 hours before", largest first. */
export function reminderWords(minutes: readonly number[], t: TFunction<['messages', 'admin']>): string {
  const valid = [...new Set(minutes.filter((value) => value >= 5))].sort((a, b) => b - a);
  if (valid.length === 0) return t('settings.summaryNone');
  const parts = valid.map((value) => {
    const [row] = reminderRows([value]);
    return t(`settings.amount.${row?.unit ?? 'minutes'}`, { count: row?.amount ?? value });
  });
  return t('settings.summary', { list: new Intl.ListFormat(t('settings.listLocale'), { type: 'conjunction' }).format(parts) });
}
