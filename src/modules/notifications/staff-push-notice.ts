import type { Language } from './notification-catalogue.ts';

/** The booking changes staff hear about on their devices. */
export type StaffNoticeKind = 'created' | 'confirmed' | 'rescheduled' | 'cancelled';

export interface StaffNoticeFacts {
  kind: StaffNoticeKind;
  bookingId: string;
  serviceName: string | null;
  customerFirstName: string | null;
  startTime: Date;
  /** The location's IANA zone: the time is shown as the business reads it, wherever the phone is. */
  timezone: string;
  /** The dashboard's address (PUBLIC_URL); the notice opens the booking there. */
  publicUrl: string;
}

/** What the service worker shows: title, one line of text, the URL a tap opens, and a tag (one notice per booking). */
export interface StaffNotice {
  title: string;
  body: string;
  url: string;
  tag: string;
}

const TITLES: Record<Language, Record<StaffNoticeKind, string>> = {
  en: { created: 'New booking', confirmed: 'Booking confirmed', rescheduled: 'Booking moved', cancelled: 'Booking cancelled' },
  es: { created: 'Nueva reserva', confirmed: 'Reserva confirmada', rescheduled: 'Reserva cambiada', cancelled: 'Reserva cancelada' },
};

/** The dashboard's page that opens a booking by id (the desk's side panel). */
export function dashboardBookingUrl(publicUrl: string, bookingId: string): string {
  const url = new URL('/admin/bookings', publicUrl);
  url.searchParams.set('booking', bookingId);
  return url.toString();
}

/**
 * A short notice about a booking in the business's language: "Haircut · Ana · Fri 29 Mar, 09:00".
 * Nothing beyond the first name: a lock screen is seen by whoever holds the phone.
 */
export function staffNotice(facts: StaffNoticeFacts, language: Language): StaffNotice {
  const when = new Intl.DateTimeFormat(language === 'es' ? 'es-ES' : 'en-GB', {
    timeZone: facts.timezone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(facts.startTime);
  const parts = [facts.serviceName, facts.customerFirstName, when].filter((part): part is string => part !== null && part.trim() !== '');
  return {
    title: TITLES[language][facts.kind],
    body: parts.join(' · '),
    url: dashboardBookingUrl(facts.publicUrl, facts.bookingId),
    tag: `booking:${facts.bookingId}`,
  };
}
