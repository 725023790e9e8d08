import { z } from 'zod';

export const exportQuerySchema = z.object({ format: z.enum(['json', 'csv']).default('json') });

export const erasureQuerySchema = z.object({
  reason: z.enum(['data_subject_request', 'account_closed', 'other']).default('data_subject_request'),
});

const dataCategorySchema = z.object({
  category: z.string(),
  purposes: z.array(z.string()),
  recipients: z.array(z.string()),
  retention: z.string(),
});

/** The specification's `UserDataExport` (7.4.1), with the purposes, recipients and retention of each category. */
export const userDataExportSchema = z.object({
  user_id: z.uuid(),
  export_date: z.string(),
  data: z
    .object({
      personal_info: z.record(z.string(), z.unknown()),
      bookings: z.array(z.record(z.string(), z.unknown())),
      payments: z.array(z.record(z.string(), z.unknown())),
      communications: z.array(z.record(z.string(), z.unknown())),
      consents: z.array(z.record(z.string(), z.unknown())),
    })
    .catchall(z.unknown())
    .describe('One array per category; further categories come from other modules (audit entries, ...).'),
  retention_policy: z.object({ categories: z.array(dataCategorySchema) }),
});
export type UserDataExport = z.infer<typeof userDataExportSchema>;

/** The specification's `DeletionReport` (7.4.1). */
export const deletionReportSchema = z.object({
  user_id: z.uuid(),
  deletion_date: z.string(),
  deleted_records: z.array(z.object({ table: z.string(), count: z.number().int(), anonymized: z.boolean() })),
  retained_records: z.array(
    z.object({
      table: z.string(),
      count: z.number().int(),
      retention_reason: z.string(),
      deletion_scheduled: z.string(),
    }),
  ),
});
export type DeletionReport = z.infer<typeof deletionReportSchema>;
