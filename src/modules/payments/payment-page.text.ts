/**
 * The hosted payment page's words, in Spanish and English: the page follows the browser's
 * Accept-Language (Spanish when it prefers Spanish, English otherwise), as the booking pages do.
 */
export type PageLanguage = 'es' | 'en';

/** Why a sandbox card was not taken; the page says it in the customer's language. */
export type CardProblem = 'incomplete' | 'expired' | 'not_test_card' | 'refused' | 'declined' | 'failed';

export interface PageText {
  locale: string;
  title: string;
  notFoundTitle: string;
  notFoundText: string;
  defaultDescription: string;
  testMode: string;
  paid: string;
  refunded: string;
  cancelled: string;
  processing: string;
  notPayable: string;
  confirmingWithBank: string;
  bankAsks: string;
  confirmWithBank: string;
  orAnotherCard: string;
  lastDeclined: string;
  lastFailed: string;
  cardNumber: string;
  expiry: string;
  securityCode: string;
  pay: string;
  sandboxNote: string;
  stripeFailed: string;
  continue: string;
  problems: Record<CardProblem, string>;
}

const TEST_CARDS = '4242 4242 4242 4242, 4000 0000 0000 0002, 4000 0027 6000 3184';

export const PAGE_TEXT: Record<PageLanguage, PageText> = {
  en: {
    locale: 'en',
    title: 'Pay your booking',
    notFoundTitle: 'Payment not found',
    notFoundText: 'This payment link is not valid. Check the link you were sent.',
    defaultDescription: 'Booking payment',
    testMode: 'Test mode: no real payment is taken.',
    paid: 'Payment received. Thank you: your booking is confirmed.',
    refunded: 'This payment was received and has been refunded.',
    cancelled: 'This payment is no longer open: the booking was not paid in time.',
    processing: 'Your payment is being processed…',
    notPayable: 'This payment cannot be completed here.',
    confirmingWithBank: 'Confirming your payment with your bank…',
    bankAsks: 'Your bank asks you to confirm this payment.',
    confirmWithBank: 'Confirm with your bank',
    orAnotherCard: 'Or pay with another card:',
    lastDeclined: 'The card was declined. Try another card.',
    lastFailed: 'The last payment attempt failed. Try another card.',
    cardNumber: 'Card number',
    expiry: 'Expiry (MM/YY)',
    securityCode: 'Security code',
    pay: 'Pay',
    sandboxNote: `Sandbox: no real card is charged. Test cards: 4242 4242 4242 4242 (pays), 4000 0000 0000 0002 (declined),
4000 0027 6000 3184 (3-D Secure). Any future expiry date and any 3 digits.`,
    stripeFailed: 'The payment could not be completed. Try again.',
    continue: 'Continue',
    problems: {
      incomplete: 'Enter the card number, its expiry date (MM/YY) and its 3 or 4 digit security code.',
      expired: 'This card has expired.',
      not_test_card: `This is a test payment page: only the sandbox test cards are accepted (${TEST_CARDS}).`,
      refused: 'The card was refused. Try another card.',
      declined: 'The card was declined. Try another card.',
      failed: 'The payment failed. Try another card.',
    },
  },
  es: {
    locale: 'es-ES',
    title: 'Paga tu reserva',
    notFoundTitle: 'Pago no encontrado',
    notFoundText: 'Este enlace de pago no es válido. Revisa el enlace que te enviamos.',
    defaultDescription: 'Pago de la reserva',
    testMode: 'Modo de prueba: no se cobra ningún pago real.',
    paid: 'Pago recibido. Gracias: tu reserva está confirmada.',
    refunded: 'Este pago se recibió y se ha devuelto.',
    cancelled: 'Este pago ya no está abierto: la reserva no se pagó a tiempo.',
    processing: 'Estamos procesando tu pago…',
    notPayable: 'Este pago no se puede completar aquí.',
    confirmingWithBank: 'Confirmando el pago con tu banco…',
    bankAsks: 'Tu banco te pide que confirmes este pago.',
    confirmWithBank: 'Confirmar con mi banco',
    orAnotherCard: 'O paga con otra tarjeta:',
    lastDeclined: 'La tarjeta fue rechazada. Prueba con otra.',
    lastFailed: 'El último intento de pago falló. Prueba con otra tarjeta.',
    cardNumber: 'Número de tarjeta',
    expiry: 'Caducidad (MM/AA)',
    securityCode: 'Código de seguridad',
    pay: 'Pagar',
    sandboxNote: `Entorno de pruebas: no se cobra ninguna tarjeta real. Tarjetas de prueba: 4242 4242 4242 4242 (paga),
4000 0000 0000 0002 (rechazada), 4000 0027 6000 3184 (3-D Secure). Cualquier caducidad futura y 3 dígitos cualesquiera.`,
    stripeFailed: 'No se pudo completar el pago. Inténtalo de nuevo.',
    continue: 'Continuar',
    problems: {
      incomplete: 'Escribe el número de la tarjeta, su caducidad (MM/AA) y su código de seguridad de 3 o 4 dígitos.',
      expired: 'Esta tarjeta ha caducado.',
      not_test_card: `Esta es una página de pago de prueba: solo se aceptan las tarjetas de prueba (${TEST_CARDS}).`,
      refused: 'La tarjeta no fue aceptada. Prueba con otra.',
      declined: 'La tarjeta fue rechazada. Prueba con otra.',
      failed: 'El pago falló. Prueba con otra tarjeta.',
    },
  },
};

/** Spanish when the browser ranks Spanish above English; English otherwise. */
export function pageLanguage(acceptLanguage: string | undefined): PageLanguage {
  let best: { language: PageLanguage; quality: number } | null = null;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const primary = tag.split('-')[0];
    if (primary !== 'es' && primary !== 'en') continue;
    const q = params.map((param) => /^\s*q=([0-9.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    const quality = q === undefined ? 1 : Number(q);
    if (!Number.isFinite(quality) || quality <= 0) continue;
    if (best === null || quality > best.quality) best = { language: primary, quality };
  }
  return best?.language ?? 'en';
}
