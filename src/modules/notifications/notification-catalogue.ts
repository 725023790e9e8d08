/**
 * What can be sent: one template key per kind of message, the variables each
 * one may use (templates using anything else are refused when saved) and the
 * sample values the preview renders with.
 */

export const NOTIFICATION_CHANNELS = ['email', 'sms', 'whatsapp', 'push'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

export const LANGUAGES = ['es', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const TEMPLATE_KEYS = [
  'booking.confirmed',
  'booking.pending_payment',
  'booking.rescheduled',
  'booking.cancelled',
  'booking.reminder',
  'booking.completed',
  'booking.no_show',
  'payment.succeeded',
  'payment.failed',
  'payment.refunded',
  'waitlist.offer',
  'verification.code',
  'marketing.message',
  'webhook_endpoint.disabled',
  'account.password_reset',
  'account.email_verification',
  'account.invitation',
  'account.signup_attempt',
  'plan.usage_warning',
  'analytics.weekly_summary',
  'billing.payment_failed',
  'billing.suspended',
  'billing.payment_succeeded',
] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

/** Marketing messages need the customer's consent and carry List-Unsubscribe; the rest are transactional. */
export const MARKETING_KEYS: ReadonlySet<TemplateKey> = new Set(['marketing.message']);

/**
 * Security messages (one-time codes): a tenant template may change their body only; the subject
 * is the product's and the recipient only the destination being proved. Free and trial
 * businesses cannot change them at all.
 */
export const SECURITY_KEYS: ReadonlySet<TemplateKey> = new Set(['verification.code']);

const COMMON = ['customer.first_name', 'customer.last_name', 'business.name', 'business.phone', 'business.email'];
const BOOKING = [
  'booking.number',
  'booking.date',
  'booking.time',
  'booking.end_time',
  'booking.service',
  'booking.resource',
  'booking.location',
  'booking.timezone',
  'booking.manage_url',
];

/** Variables (dotted paths) each template may use. */
export const TEMPLATE_VARIABLES: Readonly<Record<TemplateKey, readonly string[]>> = {
  'booking.confirmed': [...COMMON, ...BOOKING],
  'booking.pending_payment': [...COMMON, ...BOOKING, 'payment.amount', 'payment.page_url'],
  'booking.rescheduled': [...COMMON, ...BOOKING, 'previous.date', 'previous.time'],
  'booking.cancelled': [...COMMON, ...BOOKING, 'refund.amount', 'refund.present', 'cancellation.reason'],
  'booking.reminder': [...COMMON, ...BOOKING, 'reminder.hours_before', 'reminder.minutes_before'],
  'booking.completed': [...COMMON, ...BOOKING],
  'booking.no_show': [...COMMON, ...BOOKING],
  'payment.succeeded': [...COMMON, ...BOOKING, 'payment.amount'],
  'payment.failed': [...COMMON, ...BOOKING, 'payment.amount'],
  'payment.refunded': [...COMMON, ...BOOKING, 'payment.amount', 'refund.amount'],
  'waitlist.offer': [...COMMON, 'offer.service', 'offer.date', 'offer.time', 'offer.claim_url', 'offer.expires_at'],
  'verification.code': [...COMMON, 'code', 'expires_minutes'],
  'marketing.message': [...COMMON, 'message.subject', 'message.body', 'unsubscribe_url'],
  'webhook_endpoint.disabled': ['business.name', 'business.phone', 'business.email', 'endpoint.url', 'endpoint.reason'],
  'account.password_reset': ['action_url', 'expires_hours'],
  'account.email_verification': ['action_url', 'expires_hours'],
  'account.invitation': ['business.name', 'business.phone', 'business.email', 'action_url', 'expires_hours', 'role'],
  'account.signup_attempt': [],
  'plan.usage_warning': ['business.name', 'business.phone', 'business.email', 'usage.percent', 'usage.used', 'usage.limit', 'usage.month'],
  'analytics.weekly_summary': ['business.name', 'person.first_name', 'week.from', 'week.to', 'figures.bookings', 'figures.bookings_change', 'figures.completed', 'figures.revenue', 'figures.revenue_change', 'figures.no_show_rate', 'figures.cancellation_rate', 'figures.utilisation', 'reports_url'],
  'billing.payment_failed': ['business.name', 'invoice.number', 'invoice.amount', 'invoice.next_attempt', 'billing_url'],
  'billing.suspended': ['business.name', 'invoice.number', 'invoice.amount', 'billing_url'],
  'billing.payment_succeeded': ['business.name', 'invoice.number', 'invoice.amount', 'invoice.restored', 'billing_url'],
};

/** Variables a template's body must use: without them the message cannot do its job. */
export const REQUIRED_VARIABLES: Readonly<Partial<Record<TemplateKey, readonly string[]>>> = {
  'verification.code': ['code'],
  'waitlist.offer': ['offer.claim_url'],
  'account.password_reset': ['action_url'],
  'account.email_verification': ['action_url'],
  'account.invitation': ['action_url'],
  'analytics.weekly_summary': ['reports_url'],
  'billing.payment_failed': ['billing_url'],
  'billing.suspended': ['billing_url'],
};

/** Template variables: nested plain values (strings, numbers, booleans). */
export type TemplateValue = string | number | boolean | null | { [key: string]: TemplateValue };
export type TemplateVariables = Record<string, TemplateValue>;

/** Sample values for previews and for validating templates when they are saved. */
export function sampleVariables(key: TemplateKey, language: Language): TemplateVariables {
  const es = language === 'es';
  const all: TemplateVariables = {
    customer: { first_name: 'Ana', last_name: 'García' },
    business: { name: es ? 'Peluquería Sol' : 'Sunny Salon', phone: '+34910000000', email: 'hola@example.com' },
    booking: {
      number: 'BK-7KQ2M9',
      date: es ? 'domingo, 29 de marzo de 2026' : 'Sunday, March 29, 2026',
      time: '09:00',
      end_time: '09:45',
      service: es ? 'Corte de pelo' : 'Haircut',
      resource: 'Marta',
      location: es ? 'Calle Mayor 1, Madrid' : '1 Main Street',
      timezone: 'Europe/Madrid',
      manage_url: 'https://book.example.com/manage/sample-token',
    },
    previous: { date: es ? 'sábado, 28 de marzo de 2026' : 'Saturday, March 28, 2026', time: '17:30' },
    refund: { amount: es ? '22,50 €' : '€22.50', present: true },
    cancellation: { reason: es ? 'Imprevisto' : 'Something came up' },
    payment: { amount: es ? '45,00 €' : '€45.00', page_url: 'https://book.example.com/pay/sample-token' },
    reminder: { hours_before: 24, minutes_before: 1440 },
    offer: {
      service: es ? 'Corte de pelo' : 'Haircut',
      date: es ? 'lunes, 30 de marzo de 2026' : 'Monday, March 30, 2026',
      time: '10:00',
      claim_url: 'https://book.example.com/waitlist/sample-token',
      expires_at: '29/03/2026 18:00',
    },
    code: '482913',
    expires_minutes: 10,
    message: { subject: es ? 'Novedades de primavera' : 'Spring news', body: es ? '¡Un 10 % en color!' : '10% off colour!' },
    unsubscribe_url: 'https://book.example.com/unsubscribe/sample-token',
    endpoint: { url: 'https://hooks.example.com/reservehub', reason: 'the endpoint answered 410 Gone' },
    action_url: 'https://app.example.com/admin/accept-invitation?token=sample-token',
    expires_hours: 168,
    role: 'staff',
    usage: { percent: 80, used: 160, limit: 200, month: '2026-03' },
    person: { first_name: 'Olivia' },
    week: { from: es ? 'lunes, 23 de marzo de 2026' : 'Monday, 23 March 2026', to: es ? 'domingo, 29 de marzo de 2026' : 'Sunday, 29 March 2026' },
    figures: {
      bookings: 42,
      bookings_change: '+5',
      completed: 38,
      revenue: es ? '1.260,00 €' : '€1,260.00',
      revenue_change: es ? '+150,00 €' : '+€150.00',
      no_show_rate: es ? '4,8 %' : '4.8%',
      cancellation_rate: es ? '7,1 %' : '7.1%',
      utilisation: es ? '63,0 %' : '63.0%',
    },
    reports_url: 'https://app.example.com/admin/reports?from=2026-03-23&to=2026-03-29',
    invoice: { number: 'RH-2026-000042', amount: es ? '180,29 US$' : 'US$180.29', next_attempt: es ? 'jueves, 9 de abril de 2026' : 'Thursday, 9 April 2026', restored: true },
    billing_url: 'https://app.example.com/admin/settings/plan',
  };
  // Only the variables this template may use: a sample never hides an undeclared one.
  const allowedRoots = new Set(TEMPLATE_VARIABLES[key].map((path) => path.split('.')[0] ?? path));
  return Object.fromEntries(Object.entries(all).filter(([name]) => allowedRoots.has(name)));
}

export function isTemplateKey(value: string): value is TemplateKey {
  return (TEMPLATE_KEYS as readonly string[]).includes(value);
}

/** The supported language for a tag like "es-ES" or "EN", or null. */
export function supportedLanguage(tag: string | null | undefined): Language | null {
  const base = tag?.slice(0, 2).toLowerCase();
  return base === 'es' || base === 'en' ? base : null;
}
