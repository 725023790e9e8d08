/**
 * The compliance report in the language it is asked in. The record of processing is written in English by each
 * module that holds customer data (its export contributor's purposes, recipients and retention); a Spanish report
 * reads each sentence here, with its figures (months, years, hours, articles) carried over. A sentence without a
 * Spanish version stays in English (the compliance report test asks for every one the product registers).
 */
import type { ProcessingActivity } from '../customers/index.ts';

export type ReportLanguage = 'es' | 'en';

/** English sentence, figures written `{n}` → its Spanish version, with the same figures in the same order. */
const SPANISH: ReadonlyMap<string, string> = new Map([
  // The customer's profile (customers).
  ["Managing the customer's appointments", 'Gestionar las citas del cliente'],
  ['Contacting the customer about their bookings', 'Contactar con el cliente sobre sus reservas'],
  ['The business the customer booked with', 'El negocio con el que reservó el cliente'],
  ["ReserveHub, as the business's data processor", 'ReserveHub, como encargado del tratamiento del negocio'],
  [
    'While the customer relationship lasts; erased on request; guest customers are erased after {n} months without a booking',
    'Mientras dure la relación con el cliente; se suprimen a petición suya; los clientes invitados se suprimen tras {n} meses sin reservar',
  ],
  // Consents (customers).
  ['Demonstrating that the customer consented (GDPR Art. {n}({n}))', 'Demostrar que el cliente dio su consentimiento (RGPD art. {n}.{n})'],
  ['While the customer exists; after erasure {n} years, without IP address or user agent', 'Mientras exista el cliente; tras la supresión, {n} años, sin dirección IP ni agente de usuario'],
  // Stored answers to retried requests (the platform's idempotency keys).
  [
    'Answering a retried request the same way (Idempotency-Key), so a retry never books or charges twice',
    'Responder igual a una petición repetida (Idempotency-Key), para que un reintento nunca reserve ni cobre dos veces',
  ],
  ['The client application that sent the request', 'La aplicación cliente que envió la petición'],
  ['{n} hours after the request', '{n} horas después de la petición'],
  // Messages and push subscriptions (notifications).
  ['Telling the customer about their bookings and payments', 'Informar al cliente de sus reservas y pagos'],
  ['Verifying their email or phone', 'Verificar su correo electrónico o teléfono'],
  ['Marketing they agreed to', 'Comunicaciones comerciales que aceptó'],
  ['The business', 'El negocio'],
  [
    'The services that carry the messages: email (SMTP), SMS and WhatsApp (Twilio), Web Push',
    'Los servicios que transportan los mensajes: correo electrónico (SMTP), SMS y WhatsApp (Twilio), Web Push',
  ],
  ['While the customer exists; on erasure the messages lose their content and addresses', 'Mientras exista el cliente; con la supresión, los mensajes pierden su contenido y sus direcciones'],
  ['Sending the customer Web Push messages in the browsers they subscribed', 'Enviar al cliente mensajes Web Push en los navegadores en los que se suscribió'],
  ["The browser vendor's push service", 'El servicio push del fabricante del navegador'],
  [
    'Until the customer unsubscribes, the push service reports the subscription gone, or the customer is erased',
    'Hasta que el cliente se da de baja, el servicio push informa de que la suscripción ya no existe o el cliente es suprimido',
  ],
  // Bookings and the waiting list (booking).
  ['Providing the booked service', 'Prestar el servicio reservado'],
  ['Managing cancellations, refunds and no-shows', 'Gestionar cancelaciones, devoluciones e inasistencias'],
  ['The business and its staff', 'El negocio y su personal'],
  ['{n} years after the appointment (accounting)', '{n} años después de la cita (contabilidad)'],
  ['Offering the customer a freed slot they asked for', 'Ofrecer al cliente un hueco liberado que había pedido'],
  ['Until the entry is booked or removed; deleted when the customer is erased', 'Hasta que la entrada se reserva o se retira; se borra cuando el cliente es suprimido'],
  // Payments and saved payment methods (payments).
  ['Collecting deposits, prepayments and no-show fees', 'Cobrar señales, pagos por adelantado y penalizaciones por inasistencia'],
  ['Refunds under the cancellation policy', 'Devoluciones según la política de cancelación'],
  ['Accounting', 'Contabilidad'],
  ['The payment provider (Stripe) that processes the card', 'El proveedor de pagos (Stripe) que procesa la tarjeta'],
  ['{n} years after the payment (commercial and tax law)', '{n} años después del pago (normativa mercantil y fiscal)'],
  ['Paying later bookings without entering the card again', 'Pagar reservas posteriores sin volver a introducir la tarjeta'],
  ['Charging no-show fees the customer agreed to', 'Cobrar las penalizaciones por inasistencia que el cliente aceptó'],
  ['The payment provider (Stripe), which holds the card itself', 'El proveedor de pagos (Stripe), que guarda la tarjeta'],
  ['Until the customer removes the method or is erased', 'Hasta que el cliente retira el método de pago o es suprimido'],
  // Calendar feeds (calendar).
  ["Showing the customer's appointments in their own calendar application", 'Mostrar las citas del cliente en su propia aplicación de calendario'],
  ['The calendar application the customer subscribed with', 'La aplicación de calendario con la que se suscribió el cliente'],
  ['Until the customer or the business revokes the feed, or the customer is erased', 'Hasta que el cliente o el negocio revocan el calendario, o el cliente es suprimido'],
]);

/** A sentence of the record of processing in `language`; English when no Spanish version is known. */
export function processingSentence(text: string, language: ReportLanguage): string {
  if (language === 'en') return text;
  const figures = text.match(/\d+/g) ?? [];
  const spanish = SPANISH.get(text.replaceAll(/\d+/g, '{n}'));
  if (spanish === undefined) return text;
  let next = 0;
  return spanish.replaceAll('{n}', () => figures[next++] ?? '');
}

export function processingIn(activities: readonly ProcessingActivity[], language: ReportLanguage): ProcessingActivity[] {
  return activities.map((activity) => ({
    category: activity.category,
    purposes: activity.purposes.map((purpose) => processingSentence(purpose, language)),
    recipients: activity.recipients.map((recipient) => processingSentence(recipient, language)),
    retention: processingSentence(activity.retention, language),
  }));
}

export const CARD_DATA: Record<ReportLanguage, string> = {
  en:
    'Card details are typed into the payment provider’s own form; ReserveHub stores the provider’s references only ' +
    '(payment and payment-method ids, brand and last four digits), never a card number or security code.',
  es:
    'Los datos de la tarjeta se escriben en el propio formulario del proveedor de pagos; ReserveHub solo guarda las referencias ' +
    'del proveedor (identificadores del pago y del método de pago, marca y últimos cuatro dígitos), nunca un número de tarjeta ni un código de seguridad.',
};
