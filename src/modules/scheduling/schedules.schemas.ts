import { z } from 'zod';
import { pageQuerySchema } from '../../platform/http/pagination.ts';

/** A local date `YYYY-MM-DD` that exists in the calendar. */
export const localDateSchema = z.iso.date().describe('Local date of the location, YYYY-MM-DD');

const wallTime = z.string().describe('HH:MM local time; an end may be 24:00');

export const timeSlotSchema = z.strictObject({
  start: wallTime,
  end: wallTime,
  days: z.array(z.int()).describe('ISO weekdays, 1 = Monday … 7 = Sunday'),
});

export const wallRangeSchema = z.strictObject({ start: wallTime, end: wallTime });

export const scheduleCreateSchema = z.strictObject({
  resource_id: z.uuid(),
  name: z.string().trim().min(1).max(255),
  start_date: localDateSchema,
  end_date: localDateSchema.optional().describe('Last local date, inclusive; open-ended when absent'),
  recurrence_rule: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .optional()
    .describe('RFC 5545 RRULE (e.g. FREQ=WEEKLY;INTERVAL=2); DTSTART is start_date. A date works only if the rule yields it'),
  time_slots: z.array(timeSlotSchema).min(1).max(50),
  is_active: z.boolean().optional(),
});
export type ScheduleCreate = z.infer<typeof scheduleCreateSchema>;

export const scheduleUpdateSchema = z.strictObject({
  name: z.string().trim().min(1).max(255).optional(),
  start_date: localDateSchema.optional(),
  end_date: localDateSchema.nullable().optional(),
  recurrence_rule: z.string().trim().min(1).max(500).nullable().optional(),
  time_slots: z.array(timeSlotSchema).min(1).max(50).optional(),
  is_active: z.boolean().optional(),
});
export type ScheduleUpdate = z.infer<typeof scheduleUpdateSchema>;

export const scheduleListQuerySchema = pageQuerySchema.extend({
  resource_id: z.uuid().optional(),
  is_active: z.enum(['true', 'false']).optional(),
});
export type ScheduleListQuery = z.infer<typeof scheduleListQuerySchema>;

export const scheduleSchema = z.object({
  id: z.uuid(),
  resource_id: z.uuid(),
  name: z.string(),
  start_date: z.string(),
  end_date: z.string().nullable(),
  recurrence_rule: z.string().nullable(),
  time_slots: z.array(timeSlotSchema),
  is_active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ScheduleView = z.infer<typeof scheduleSchema>;

export const exceptionTypeSchema = z.enum(['unavailable', 'custom_hours', 'holiday']);

export const exceptionCreateSchema = z.strictObject({
  resource_id: z.uuid(),
  exception_date: localDateSchema,
  type: exceptionTypeSchema,
  custom_hours: z.array(wallRangeSchema).min(1).max(20).optional().describe('Required for custom_hours: the day\'s hours instead'),
  reason: z.string().trim().max(255).optional(),
});
export type ExceptionCreate = z.infer<typeof exceptionCreateSchema>;

export const exceptionUpdateSchema = z.strictObject({
  exception_date: localDateSchema.optional(),
  type: exceptionTypeSchema.optional(),
  custom_hours: z.array(wallRangeSchema).min(1).max(20).nullable().optional(),
  reason: z.string().trim().max(255).nullable().optional(),
});
export type ExceptionUpdate = z.infer<typeof exceptionUpdateSchema>;

export const exceptionListQuerySchema = pageQuerySchema.extend({
  resource_id: z.uuid().optional(),
  type: exceptionTypeSchema.optional(),
  from_date: localDateSchema.optional(),
  to_date: localDateSchema.optional(),
});
export type ExceptionListQuery = z.infer<typeof exceptionListQuerySchema>;

export const exceptionSchema = z.object({
  id: z.uuid(),
  resource_id: z.uuid(),
  exception_date: z.string(),
  type: exceptionTypeSchema,
  custom_hours: z.array(wallRangeSchema).nullable(),
  reason: z.string().nullable(),
  created_by: z.uuid().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ExceptionView = z.infer<typeof exceptionSchema>;

export const closureCreateSchema = z.strictObject({
  closure_date: localDateSchema,
  reason: z.string().trim().max(255).optional(),
});
export type ClosureCreate = z.infer<typeof closureCreateSchema>;

export const closureListQuerySchema = z.object({
  from_date: localDateSchema.optional(),
  to_date: localDateSchema.optional(),
});

export const closureSchema = z.object({
  id: z.uuid(),
  location_id: z.uuid(),
  closure_date: z.string(),
  reason: z.string().nullable(),
  created_at: z.string(),
});
export type ClosureView = z.infer<typeof closureSchema>;

export const idParamsSchema = z.object({ id: z.uuid() });
export const closureParamsSchema = z.object({ id: z.uuid(), closure_id: z.uuid() });
