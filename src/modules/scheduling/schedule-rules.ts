import type { FieldIssue } from '../../platform/http/errors.ts';
import { validateTimeSlots, workingHoursForRange, type TimeSlot, type WallTimeRange } from './working-hours.ts';

/**
 * Problems of weekly time slots or custom hours, as API field issues under
 * `prefix` (`body.time_slots.2.end`). Empty when valid.
 */
export function timeSlotIssues(slots: readonly (WallTimeRange & { days?: readonly number[] })[], prefix: string): FieldIssue[] {
  return validateTimeSlots(slots).map((issue) => ({
    field: `${prefix}.${issue.index}.${issue.field}`,
    message: issue.message,
    code: issue.code,
  }));
}

/**
 * Problems of a schedule's dates and recurrence rule. The rule is checked by
 * running it through the same engine availability uses, so whatever is accepted
 * here is understood there.
 */
export function scheduleIssues(schedule: {
  start_date: string;
  end_date: string | null;
  recurrence_rule: string | null;
  time_slots: readonly TimeSlot[];
}): FieldIssue[] {
  const issues = timeSlotIssues(schedule.time_slots, 'body.time_slots');
  if (schedule.end_date !== null && schedule.end_date < schedule.start_date) {
    issues.push({ field: 'body.end_date', message: 'end_date is before start_date' });
  }
  if (schedule.recurrence_rule !== null && issues.length === 0) {
    if (/(^|;)\s*(DTSTART|TZID)\s*[=:]/i.test(schedule.recurrence_rule) || /\n/.test(schedule.recurrence_rule)) {
      issues.push({ field: 'body.recurrence_rule', message: 'Give only the RRULE; DTSTART is the start_date' });
    } else {
      try {
        workingHoursForRange({
          schedules: [{ ...schedule, is_active: true }],
          exceptions: [],
          closures: [],
          timeZone: 'UTC',
          from: schedule.start_date,
          to: schedule.start_date,
        });
      } catch (error) {
        issues.push({
          field: 'body.recurrence_rule',
          message: error instanceof Error ? error.message : 'Not a valid RFC 5545 RRULE',
        });
      }
    }
  }
  return issues;
}
