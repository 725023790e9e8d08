/** The guest's details and their checks (the same bounds as POST /bookings), as i18n keys. */

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

export function validateDetails(details: Details): DetailsErrors {
  const errors: DetailsErrors = {};
  const first = details.firstName.trim();
  if (first === '') errors.firstName = 'errors.firstNameRequired';
  else if (first.length > 255) errors.firstName = 'errors.tooLong';
  if (details.lastName.trim().length > 255) errors.lastName = 'errors.tooLong';
  const email = details.email.trim();
  if (email === '') errors.email = 'errors.emailRequired';
  else if (email.length > 320 || !EMAIL.test(email)) errors.email = 'errors.emailInvalid';
  if (details.phone.trim() !== '' && normalizePhone(details.phone) === null) errors.phone = 'errors.phoneInvalid';
  if (details.notes.length > 1000) errors.notes = 'errors.notesTooLong';
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
