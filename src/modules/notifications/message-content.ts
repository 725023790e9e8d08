import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import { normalizeEmail, normalizePhone } from '../../platform/crypto/pii-normalization.ts';
import { formatMoney } from '../../platform/money.ts';
import type { Language, TemplateVariables } from './notification-catalogue.ts';

/** A booking as messages show it. */
export interface BookingSnapshot {
  id: string;
  number: string | null;
  startTime: Date;
  endTime: Date;
  timezone: string;
  serviceName: string | null;
  resourceName: string | null;
  locationName: string | null;
  manageUrl: string | null;
}

const LOCALES: Record<Language, string> = { es: 'es-ES', en: 'en-GB' };

export function formatDate(instant: Date, zone: string, language: Language): string {
  return new Intl.DateTimeFormat(LOCALES[language], { timeZone: zone, dateStyle: 'full' }).format(instant);
}

export function formatTime(instant: Date, zone: string, language: Language): string {
  return new Intl.DateTimeFormat(LOCALES[language], { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
}

/** Date and time, short, in the zone: deadlines such as a waitlist offer's expiry. */
export function formatDateTime(instant: Date, zone: string, language: Language): string {
  return new Intl.DateTimeFormat(LOCALES[language], { timeZone: zone, dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' }).format(instant);
}

export function formatAmount(amount: number, currency: string, language: Language): string {
  return formatMoney({ amount, currency }, LOCALES[language]);
}

/** The `booking` variables of a message, in the location's zone and the message's language. */
export function bookingVariables(booking: BookingSnapshot, language: Language): TemplateVariables {
  return {
    booking: {
      number: booking.number ?? '',
      date: formatDate(booking.startTime, booking.timezone, language),
      time: formatTime(booking.startTime, booking.timezone, language),
      end_time: formatTime(booking.endTime, booking.timezone, language),
      service: booking.serviceName ?? '',
      resource: booking.resourceName ?? '',
      location: booking.locationName ?? '',
      timezone: booking.timezone,
      manage_url: booking.manageUrl ?? '',
    },
  };
}

/** Local wall-clock text for the `previous` variables of a reschedule. */
export function previousVariables(start: Date, zone: string, language: Language): TemplateVariables {
  return { previous: { date: formatDate(start, zone, language), time: formatTime(start, zone, language) } };
}

/** Masks an address for lists: "a***@example.com", "+34******789". */
export function maskRecipient(address: string): string {
  const at = address.indexOf('@');
  if (at > 0) return `${address.slice(0, 1)}***${address.slice(at)}`;
  return address.length > 5 ? `${address.slice(0, 3)}${'*'.repeat(address.length - 6)}${address.slice(-3)}` : '***';
}

/**
 * Keyed hash of an email address or phone number a message went to without a
 * customer behind it (a guest's verification code): lets the customer's
 * export and erasure find those messages later without decrypting every row.
 * Domain-separated from the customers module's own indexes.
 */
export function addressIndex(keyRing: KeyRing, address: string): string {
  if (address.includes('@')) return keyRing.blindIndex('email', `notification-address:${normalizeEmail(address)}`);
  return keyRing.blindIndex('phone', `notification-address:${normalizePhone(address) ?? address.trim()}`);
}
