import type { NotificationSettingsData } from './notifications.tables.ts';

/** Reminders before a booking's start when the tenant sets none: 24 h and 2 h. */
export const DEFAULT_REMINDER_OFFSETS_MINUTES: readonly number[] = [1440, 120];

/** The offsets for a booking of `serviceId`: the service's own, else the tenant's, else the defaults. */
export function reminderOffsetsFor(settings: NotificationSettingsData, serviceId: string | null): readonly number[] {
  const forService = serviceId === null ? undefined : settings.service_reminder_offsets?.[serviceId];
  return forService ?? settings.reminder_offsets_minutes ?? DEFAULT_REMINDER_OFFSETS_MINUTES;
}

/** When each reminder runs; reminders whose time has already passed are dropped. */
export function reminderSchedule(
  start: Date,
  offsetsMinutes: readonly number[],
  now: Date,
): Array<{ offsetMinutes: number; runAt: Date }> {
  return [...new Set(offsetsMinutes)]
    .map((offsetMinutes) => ({ offsetMinutes, runAt: new Date(start.getTime() - offsetMinutes * 60_000) }))
    .filter((reminder) => reminder.runAt.getTime() > now.getTime())
    .sort((a, b) => a.runAt.getTime() - b.runAt.getTime());
}

/** Dedupe-key prefix of every reminder of a booking (cancelled together when it moves or ends). */
export function reminderKeyPrefix(bookingId: string): string {
  return `booking:${bookingId}:reminder:`;
}

/**
 * One reminder job per booking, offset and version of the booking (the
 * calendar SEQUENCE): a change gets fresh jobs even when it moves the
 * booking back to a time it had before.
 */
export function reminderKey(bookingId: string, offsetMinutes: number, sequence: number): string {
  return `${reminderKeyPrefix(bookingId)}${offsetMinutes}:s${sequence}`;
}
