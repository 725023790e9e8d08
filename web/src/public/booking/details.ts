/** The guest's details and their checks (the same bounds as POST /bookings); messages are i18n keys. */
import * as z from 'zod/mini';

export interface Details {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  notes: string;
}

export type DetailsErrors = Partial<Record<keyof Details, string>>;

export const EMPTY_DETAILS: Details = { firstName: '', lastName: '', email: '', phone: '', notes: '' };

/** The API's e-mail pattern (packages/api-client/openapi.json, POST /bookings). */
const EMAIL = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

/** "+34 600 00 00 00" / "0034 600-000-000" → "+34600000000"; null when it is not E.164 then. */
export function normalizePhone(phone: string): string | null {
  let compact = phone.replace(/[\s().-]/g, '');
  if (compact.startsWith('00')) compact = `+${compact.slice(2)}`;
  return /^\+[1-9]\d{1,14}$/.test(compact) ? compact : null;
}

const within = (limit: number) => (value: string) => value.trim().length <= limit;

/** The details form's schema (react-hook-form validates with it as the guest types). */
export const detailsSchema = z.object({
  firstName: z.string().check(
    z.refine((value) => value.trim() !== '', { error: 'errors.firstNameRequired' }),
    z.refine(within(255), { error: 'errors.tooLong' }),
  ),
  lastName: z.string().check(z.refine(within(255), { error: 'errors.tooLong' })),
  email: z.string().check(
    z.refine((value) => value.trim() !== '', { error: 'errors.emailRequired', abort: true }),
    z.refine((value) => within(320)(value) && EMAIL.test(value.trim()), { error: 'errors.emailInvalid' }),
  ),
  phone: z.string().check(z.refine((value) => value.trim() === '' || normalizePhone(value) !== null, { error: 'errors.phoneInvalid' })),
  notes: z.string().check(z.maxLength(1000, { error: 'errors.notesTooLong' })),
});

/** The first problem of each field, as i18n keys (none: the details can be sent). */
export function validateDetails(details: Details): DetailsErrors {
  const result = detailsSchema.safeParse(details);
  const errors: DetailsErrors = {};
  for (const issue of result.success ? [] : result.error.issues) {
    const field = issue.path[0] as keyof Details;
    errors[field] ??= issue.message;
  }
  return errors;
}

/** The `customer` and `notes` of POST /bookings. */
export function bookingCustomer(details: Details) {
  const phone = details.phone.trim() === '' ? null : normalizePhone(details.phone);
  return {
    customer: {
      first_name: details.firstName.trim(),
      ...(details.lastName.trim() ? { last_name: details.lastName.trim() } : {}),
      email: details.email.trim(),
      ...(phone ? { phone } : {}),
    },
    ...(details.notes.trim() ? { notes: details.notes.trim() } : {}),
  };
}
