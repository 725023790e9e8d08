import { z } from 'zod';

/** The first-run checklist's steps, in the order a new business takes them. */
export const SETUP_STEPS = ['location', 'service', 'staff', 'hours', 'booking_page', 'first_booking'] as const;
export type SetupStep = (typeof SETUP_STEPS)[number];

export const setupStatusSchema = z.object({
  steps: z
    .array(z.object({ key: z.enum(SETUP_STEPS), done: z.boolean() }))
    .describe(
      'Every step in order: `location` (an active location), `service` (an active service), `staff` (an active staff member or resource ' +
        'delivering an active service), `hours` (weekly hours in force), `booking_page` (the booking page opened or copied from the ' +
        'dashboard), `first_booking` (a booking taken)',
    ),
  next_step: z.enum(SETUP_STEPS).nullable().describe('The first step not done; null once every step is'),
  complete: z.boolean().describe('True once the business has its first booking: the checklist is no longer shown'),
  booking_page_url: z.string().describe('The public booking page of the business'),
});
export type SetupStatus = z.infer<typeof setupStatusSchema>;
