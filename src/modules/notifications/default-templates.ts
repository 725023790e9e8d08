import type { Language, TemplateKey } from './notification-catalogue.ts';

/** A built-in template: email subject and body (plain text; HTML is derived), and a short text for SMS, WhatsApp and push. */
export interface DefaultTemplate {
  subject: string;
  body: string;
  short: string;
}

const SIGN_ES = '\n\n{{ business.name }}';
const SIGN_EN = '\n\n{{ business.name }}';
const WHEN_ES = '{{ booking.date }} a las {{ booking.time }}';
const WHEN_EN = '{{ booking.date }} at {{ booking.time }}';
const DETAILS_ES = `Servicio: {{ booking.service }}\nCon: {{ booking.resource }}\nFecha: ${WHEN_ES} ({{ booking.timezone }})\nReserva: {{ booking.number }}`;
const DETAILS_EN = `Service: {{ booking.service }}\nWith: {{ booking.resource }}\nWhen: ${WHEN_EN} ({{ booking.timezone }})\nBooking: {{ booking.number }}`;
const MANAGE_ES = '{% if booking.manage_url != "" %}\n\nPuedes cambiar o cancelar tu cita aquí: {{ booking.manage_url }}{% endif %}';
const MANAGE_EN = '{% if booking.manage_url != "" %}\n\nChange or cancel your booking here: {{ booking.manage_url }}{% endif %}';

/** The built-in templates, in Spanish and English, for every template key. */
export const DEFAULT_TEMPLATES: Readonly<Record<TemplateKey, Readonly<Record<Language, DefaultTemplate>>>> = {
  'booking.confirmed': {
    es: {
      subject: 'Reserva confirmada: {{ booking.service }} el {{ booking.date }}',
      body: `Hola {{ customer.first_name }}:\n\nTu reserva está confirmada.\n\n${DETAILS_ES}${MANAGE_ES}${SIGN_ES}`,
      short: `{{ business.name }}: reserva confirmada, {{ booking.service }} el ${WHEN_ES}. Gestionar: {{ booking.manage_url }}`,
    },
    en: {
      subject: 'Booking confirmed: {{ booking.service }} on {{ booking.date }}',
      body: `Hi {{ customer.first_name }},\n\nYour booking is confirmed.\n\n${DETAILS_EN}${MANAGE_EN}${SIGN_EN}`,
      short: `{{ business.name }}: booking confirmed, {{ booking.service }} on ${WHEN_EN}. Manage: {{ booking.manage_url }}`,
    },
  },
  'booking.pending_payment': {
    es: {
      subject: 'Completa el pago para confirmar tu reserva {{ booking.number }}',
      body: `Hola {{ customer.first_name }}:\n\nHemos reservado tu hueco. Para confirmarlo, paga el depósito de {{ payment.amount }}.{% if payment.page_url != "" %}\n\nPágalo aquí: {{ payment.page_url }}{% endif %}\n\n${DETAILS_ES}${MANAGE_ES}${SIGN_ES}`,
      short: '{{ business.name }}: paga {{ payment.amount }} para confirmar tu reserva {{ booking.number }}: {% if payment.page_url != "" %}{{ payment.page_url }}{% else %}{{ booking.manage_url }}{% endif %}',
    },
    en: {
      subject: 'Complete your payment to confirm booking {{ booking.number }}',
      body: `Hi {{ customer.first_name }},\n\nWe are holding your slot. Pay the {{ payment.amount }} deposit to confirm it.{% if payment.page_url != "" %}\n\nPay it here: {{ payment.page_url }}{% endif %}\n\n${DETAILS_EN}${MANAGE_EN}${SIGN_EN}`,
      short: '{{ business.name }}: pay {{ payment.amount }} to confirm booking {{ booking.number }}: {% if payment.page_url != "" %}{{ payment.page_url }}{% else %}{{ booking.manage_url }}{% endif %}',
    },
  },
  'booking.rescheduled': {
    es: {
      subject: 'Reserva cambiada: {{ booking.service }} el {{ booking.date }}',
      body: `Hola {{ customer.first_name }}:\n\nTu reserva ha cambiado del {{ previous.date }} a las {{ previous.time }} al ${WHEN_ES}.\n\n${DETAILS_ES}${MANAGE_ES}${SIGN_ES}`,
      short: `{{ business.name }}: tu reserva {{ booking.number }} pasa al ${WHEN_ES}.`,
    },
    en: {
      subject: 'Booking moved: {{ booking.service }} on {{ booking.date }}',
      body: `Hi {{ customer.first_name }},\n\nYour booking moved from {{ previous.date }} at {{ previous.time }} to ${WHEN_EN}.\n\n${DETAILS_EN}${MANAGE_EN}${SIGN_EN}`,
      short: `{{ business.name }}: booking {{ booking.number }} moved to ${WHEN_EN}.`,
    },
  },
  'booking.cancelled': {
    es: {
      subject: 'Reserva cancelada: {{ booking.number }}',
      body: `Hola {{ customer.first_name }}:\n\nTu reserva de {{ booking.service }} del ${WHEN_ES} está cancelada.{% if refund.present %}\n\nTe devolvemos {{ refund.amount }}.{% endif %}${SIGN_ES}`,
      short: `{{ business.name }}: reserva {{ booking.number }} cancelada.{% if refund.present %} Reembolso: {{ refund.amount }}.{% endif %}`,
    },
    en: {
      subject: 'Booking cancelled: {{ booking.number }}',
      body: `Hi {{ customer.first_name }},\n\nYour {{ booking.service }} booking on ${WHEN_EN} is cancelled.{% if refund.present %}\n\nWe are refunding {{ refund.amount }}.{% endif %}${SIGN_EN}`,
      short: `{{ business.name }}: booking {{ booking.number }} cancelled.{% if refund.present %} Refund: {{ refund.amount }}.{% endif %}`,
    },
  },
  'booking.reminder': {
    es: {
      subject: 'Recordatorio: {{ booking.service }} el {{ booking.date }} a las {{ booking.time }}',
      body: `Hola {{ customer.first_name }}:\n\nTe recordamos tu cita.\n\n${DETAILS_ES}${MANAGE_ES}${SIGN_ES}`,
      short: `{{ business.name }}: recuerda tu cita de {{ booking.service }} el ${WHEN_ES}.`,
    },
    en: {
      subject: 'Reminder: {{ booking.service }} on {{ booking.date }} at {{ booking.time }}',
      body: `Hi {{ customer.first_name }},\n\nA reminder of your appointment.\n\n${DETAILS_EN}${MANAGE_EN}${SIGN_EN}`,
      short: `{{ business.name }}: reminder, {{ booking.service }} on ${WHEN_EN}.`,
    },
  },
  'booking.completed': {
    es: {
      subject: 'Gracias por tu visita, {{ customer.first_name }}',
      body: `Hola {{ customer.first_name }}:\n\nGracias por venir a {{ booking.service }}. ¡Esperamos verte pronto!${SIGN_ES}`,
      short: '{{ business.name }}: ¡gracias por tu visita!',
    },
    en: {
      subject: 'Thanks for your visit, {{ customer.first_name }}',
      body: `Hi {{ customer.first_name }},\n\nThank you for coming to {{ booking.service }}. We hope to see you again soon!${SIGN_EN}`,
      short: '{{ business.name }}: thanks for your visit!',
    },
  },
  'booking.no_show': {
    es: {
      subject: 'Te echamos de menos: {{ booking.number }}',
      body: `Hola {{ customer.first_name }}:\n\nNo pudimos verte en tu cita del ${WHEN_ES}. Si quieres, reserva otra cuando te venga bien.${SIGN_ES}`,
      short: '{{ business.name }}: no te vimos en tu cita {{ booking.number }}. ¿Reservamos otra?',
    },
    en: {
      subject: 'We missed you: {{ booking.number }}',
      body: `Hi {{ customer.first_name }},\n\nWe missed you at your appointment on ${WHEN_EN}. Book again whenever suits you.${SIGN_EN}`,
      short: '{{ business.name }}: we missed you at booking {{ booking.number }}. Book again?',
    },
  },
  'payment.succeeded': {
    es: {
      subject: 'Pago recibido: {{ payment.amount }}',
      body: `Hola {{ customer.first_name }}:\n\nHemos recibido tu pago de {{ payment.amount }} para la reserva {{ booking.number }}.${SIGN_ES}`,
      short: '{{ business.name }}: pago de {{ payment.amount }} recibido ({{ booking.number }}).',
    },
    en: {
      subject: 'Payment received: {{ payment.amount }}',
      body: `Hi {{ customer.first_name }},\n\nWe received your payment of {{ payment.amount }} for booking {{ booking.number }}.${SIGN_EN}`,
      short: '{{ business.name }}: payment of {{ payment.amount }} received ({{ booking.number }}).',
    },
  },
  'payment.failed': {
    es: {
      subject: 'No se pudo cobrar {{ payment.amount }}',
      body: `Hola {{ customer.first_name }}:\n\nNo hemos podido cobrar {{ payment.amount }} para la reserva {{ booking.number }}. Puedes intentarlo de nuevo aquí: {{ booking.manage_url }}${SIGN_ES}`,
      short: '{{ business.name }}: el pago de {{ payment.amount }} falló. Reintenta: {{ booking.manage_url }}',
    },
    en: {
      subject: 'We could not charge {{ payment.amount }}',
      body: `Hi {{ customer.first_name }},\n\nWe could not charge {{ payment.amount }} for booking {{ booking.number }}. You can try again here: {{ booking.manage_url }}${SIGN_EN}`,
      short: '{{ business.name }}: the {{ payment.amount }} payment failed. Retry: {{ booking.manage_url }}',
    },
  },
  'payment.refunded': {
    es: {
      subject: 'Reembolso de {{ refund.amount }}',
      body: `Hola {{ customer.first_name }}:\n\nTe hemos devuelto {{ refund.amount }} de la reserva {{ booking.number }}. Puede tardar unos días en aparecer.${SIGN_ES}`,
      short: '{{ business.name }}: reembolso de {{ refund.amount }} ({{ booking.number }}).',
    },
    en: {
      subject: 'Refund of {{ refund.amount }}',
      body: `Hi {{ customer.first_name }},\n\nWe refunded {{ refund.amount }} for booking {{ booking.number }}. It may take a few days to show.${SIGN_EN}`,
      short: '{{ business.name }}: refund of {{ refund.amount }} ({{ booking.number }}).',
    },
  },
  'waitlist.offer': {
    es: {
      subject: 'Hay un hueco libre: {{ offer.service }} el {{ offer.date }}',
      body: 'Hola {{ customer.first_name }}:\n\nSe ha liberado un hueco para {{ offer.service }} el {{ offer.date }} a las {{ offer.time }}. Resérvalo antes de {{ offer.expires_at }}: {{ offer.claim_url }}' + SIGN_ES,
      short: '{{ business.name }}: hueco libre {{ offer.date }} {{ offer.time }}. Resérvalo: {{ offer.claim_url }}',
    },
    en: {
      subject: 'A slot opened up: {{ offer.service }} on {{ offer.date }}',
      body: 'Hi {{ customer.first_name }},\n\nA slot opened up for {{ offer.service }} on {{ offer.date }} at {{ offer.time }}. Claim it before {{ offer.expires_at }}: {{ offer.claim_url }}' + SIGN_EN,
      short: '{{ business.name }}: slot free {{ offer.date }} {{ offer.time }}. Claim it: {{ offer.claim_url }}',
    },
  },
  // The code stays out of the subject: mail servers log subjects, and lock screens show them.
  'verification.code': {
    es: {
      subject: 'Tu código de verificación de {{ business.name }}',
      body: 'Tu código de verificación es {{ code }}. Caduca en {{ expires_minutes }} minutos. Si no lo has pedido, ignora este mensaje.' + SIGN_ES,
      short: '{{ business.name }}: tu código es {{ code }} (caduca en {{ expires_minutes }} min).',
    },
    en: {
      subject: 'Your {{ business.name }} verification code',
      body: 'Your verification code is {{ code }}. It expires in {{ expires_minutes }} minutes. If you did not ask for it, ignore this message.' + SIGN_EN,
      short: '{{ business.name }}: your code is {{ code }} (expires in {{ expires_minutes }} min).',
    },
  },
  'marketing.message': {
    es: {
      subject: '{{ message.subject }}',
      body: 'Hola {{ customer.first_name }}:\n\n{{ message.body }}' + SIGN_ES + '\n\nDarte de baja: {{ unsubscribe_url }}',
      short: '{{ business.name }}: {{ message.body }}',
    },
    en: {
      subject: '{{ message.subject }}',
      body: 'Hi {{ customer.first_name }},\n\n{{ message.body }}' + SIGN_EN + '\n\nUnsubscribe: {{ unsubscribe_url }}',
      short: '{{ business.name }}: {{ message.body }}',
    },
  },
  'webhook_endpoint.disabled': {
    es: {
      subject: 'Webhook desactivado: {{ endpoint.url }}',
      body: 'Hemos desactivado el webhook {{ endpoint.url }} de {{ business.name }}: {{ endpoint.reason }}.\n\nCorrige el receptor y vuelve a activarlo en el panel; las entregas fallidas pueden reenviarse desde su historial.',
      short: 'Webhook {{ endpoint.url }} desactivado: {{ endpoint.reason }}',
    },
    en: {
      subject: 'Webhook disabled: {{ endpoint.url }}',
      body: 'We disabled the webhook {{ endpoint.url }} of {{ business.name }}: {{ endpoint.reason }}.\n\nFix the receiver and enable it again in the dashboard; failed deliveries can be replayed from its log.',
      short: 'Webhook {{ endpoint.url }} disabled: {{ endpoint.reason }}',
    },
  },
  // Account messages come from the platform (or, for an invitation, the business) to a person, not a customer.
  'account.password_reset': {
    es: {
      subject: 'Restablece tu contraseña de ReserveHub',
      body: 'Alguien ha pedido restablecer tu contraseña de ReserveHub. Si fuiste tú, abre este enlace antes de {{ expires_hours }} h:\n\n{{ action_url }}\n\nSi no, ignora este mensaje: tu contraseña no cambia.\n\nReserveHub',
      short: 'ReserveHub: restablece tu contraseña en {{ action_url }}',
    },
    en: {
      subject: 'Reset your ReserveHub password',
      body: 'Someone asked to reset your ReserveHub password. If it was you, open this link within {{ expires_hours }} h:\n\n{{ action_url }}\n\nOtherwise ignore this message: your password stays the same.\n\nReserveHub',
      short: 'ReserveHub: reset your password at {{ action_url }}',
    },
  },
  'account.email_verification': {
    es: {
      subject: 'Confirma tu dirección de correo',
      body: 'Confirma tu dirección de correo para ReserveHub abriendo este enlace (válido {{ expires_hours }} h):\n\n{{ action_url }}\n\nReserveHub',
      short: 'ReserveHub: confirma tu correo en {{ action_url }}',
    },
    en: {
      subject: 'Confirm your e-mail address',
      body: 'Confirm your e-mail address for ReserveHub by opening this link (valid for {{ expires_hours }} h):\n\n{{ action_url }}\n\nReserveHub',
      short: 'ReserveHub: confirm your e-mail at {{ action_url }}',
    },
  },
  'account.invitation': {
    es: {
      subject: 'Te han invitado a {{ business.name }} en ReserveHub',
      body: 'Te han invitado a unirte a {{ business.name }} como {{ role }}. Acepta antes de {{ expires_hours }} h:\n\n{{ action_url }}' + SIGN_ES,
      short: '{{ business.name }}: acepta la invitación en {{ action_url }}',
    },
    en: {
      subject: 'You are invited to {{ business.name }} on ReserveHub',
      body: 'You have been invited to join {{ business.name }} as {{ role }}. Accept within {{ expires_hours }} h:\n\n{{ action_url }}' + SIGN_EN,
      short: '{{ business.name }}: accept the invitation at {{ action_url }}',
    },
  },
  'account.signup_attempt': {
    es: {
      subject: 'Intento de registro con tu correo en ReserveHub',
      body: 'Alguien ha intentado crear un negocio en ReserveHub con tu dirección de correo, que ya tiene una cuenta. No se ha creado nada.\n\nSi fuiste tú, inicia sesión y añade el negocio desde tu cuenta. Si no, puedes ignorar este mensaje; si no recuerdas tu contraseña, restablécela.\n\nReserveHub',
      short: 'ReserveHub: alguien intentó registrarse con tu correo. Si fuiste tú, inicia sesión.',
    },
    en: {
      subject: 'Sign-up attempt with your e-mail on ReserveHub',
      body: 'Someone tried to create a business on ReserveHub with your e-mail address, which already has an account. Nothing was created.\n\nIf it was you, sign in and add the business from your account. Otherwise you can ignore this message; if you do not remember your password, reset it.\n\nReserveHub',
      short: 'ReserveHub: someone tried to sign up with your e-mail. If it was you, sign in.',
    },
  },
  'plan.usage_warning': {
    es: {
      subject: '{{ business.name }}: {{ usage.percent }} % de las reservas del plan este mes',
      body: '{{ business.name }} lleva {{ usage.used }} de las {{ usage.limit }} reservas que su plan permite en {{ usage.month }} ({{ usage.percent }} %).\n\nLas reservas en línea se detienen antes que las del equipo, que conserva una reserva del límite. Puedes cambiar de plan en el panel.',
      short: '{{ business.name }}: {{ usage.used }}/{{ usage.limit }} reservas del plan en {{ usage.month }}',
    },
    en: {
      subject: '{{ business.name }}: {{ usage.percent }}% of this month\'s plan bookings',
      body: '{{ business.name }} has used {{ usage.used }} of the {{ usage.limit }} bookings its plan allows in {{ usage.month }} ({{ usage.percent }}%).\n\nOnline bookings stop before staff bookings, which keep a reserve of the limit. You can change plans in the dashboard.',
      short: '{{ business.name }}: {{ usage.used }}/{{ usage.limit }} plan bookings in {{ usage.month }}',
    },
  },
  'analytics.weekly_summary': {
    es: {
      subject: '{{ business.name }}: tu semana en cifras ({{ figures.bookings }} reservas)',
      body:
        'Hola {{ person.first_name }}:\n\nAsí fue la semana de {{ business.name }}, del {{ week.from }} al {{ week.to }} (entre paréntesis, el cambio frente a la semana anterior):\n\n' +
        '- Reservas: {{ figures.bookings }} ({{ figures.bookings_change }})\n- Completadas: {{ figures.completed }}\n- Ingresos por servicios: {{ figures.revenue }} ({{ figures.revenue_change }})\n' +
        '- Ocupación: {{ figures.utilisation }}\n- No presentados: {{ figures.no_show_rate }}\n- Cancelaciones: {{ figures.cancellation_rate }}\n\n' +
        'Todos los detalles: {{ reports_url }}\n\nRecibes este resumen porque lo activaste en Informes; puedes desactivarlo allí mismo.',
      short: '{{ business.name }}: {{ figures.bookings }} reservas, {{ figures.revenue }} la semana pasada. {{ reports_url }}',
    },
    en: {
      subject: '{{ business.name }}: your week in figures ({{ figures.bookings }} bookings)',
      body:
        'Hi {{ person.first_name }},\n\nHere is how {{ business.name }} did from {{ week.from }} to {{ week.to }} (in brackets, the change on the week before):\n\n' +
        '- Bookings: {{ figures.bookings }} ({{ figures.bookings_change }})\n- Completed: {{ figures.completed }}\n- Service revenue: {{ figures.revenue }} ({{ figures.revenue_change }})\n' +
        '- Utilisation: {{ figures.utilisation }}\n- No-shows: {{ figures.no_show_rate }}\n- Cancellations: {{ figures.cancellation_rate }}\n\n' +
        'All the details: {{ reports_url }}\n\nYou get this summary because you turned it on in Reports; you can turn it off there too.',
      short: '{{ business.name }}: {{ figures.bookings }} bookings, {{ figures.revenue }} last week. {{ reports_url }}',
    },
  },
  'billing.payment_failed': {
    es: {
      subject: '{{ business.name }}: no pudimos cobrar la factura {{ invoice.number }}',
      body:
        'No pudimos cobrar {{ invoice.amount }} de la factura {{ invoice.number }} de tu suscripción a ReserveHub.\n\n' +
        '{% if invoice.next_attempt != "" %}Lo intentaremos de nuevo el {{ invoice.next_attempt }}. {% endif %}Para evitar que se suspenda {{ business.name }}, revisa o cambia la tarjeta y paga la factura aquí: {{ billing_url }}\n\nMientras tanto todo sigue funcionando.',
      short: '{{ business.name }}: no pudimos cobrar {{ invoice.amount }} ({{ invoice.number }}). Revisa la tarjeta: {{ billing_url }}',
    },
    en: {
      subject: "{{ business.name }}: we couldn't collect invoice {{ invoice.number }}",
      body:
        "We couldn't collect {{ invoice.amount }} for invoice {{ invoice.number }} of your ReserveHub subscription.\n\n" +
        '{% if invoice.next_attempt != "" %}We will try again on {{ invoice.next_attempt }}. {% endif %}To keep {{ business.name }} from being suspended, check or change the card and pay the invoice here: {{ billing_url }}\n\nEverything keeps working in the meantime.',
      short: "{{ business.name }}: we couldn't collect {{ invoice.amount }} ({{ invoice.number }}). Check the card: {{ billing_url }}",
    },
  },
  'billing.suspended': {
    es: {
      subject: '{{ business.name }} está suspendido por la factura {{ invoice.number }}',
      body:
        'Tras varios intentos no hemos podido cobrar {{ invoice.amount }} de la factura {{ invoice.number }}, así que {{ business.name }} está suspendido: tu página de reservas no acepta reservas y el panel es de solo lectura.\n\n' +
        'Tus datos están a salvo. En cuanto pagues la factura todo vuelve a funcionar al momento: {{ billing_url }}',
      short: '{{ business.name }} suspendido: paga {{ invoice.amount }} ({{ invoice.number }}) para reactivarlo: {{ billing_url }}',
    },
    en: {
      subject: '{{ business.name }} is suspended over invoice {{ invoice.number }}',
      body:
        "After several attempts we couldn't collect {{ invoice.amount }} for invoice {{ invoice.number }}, so {{ business.name }} is suspended: your booking page takes no bookings and the dashboard is read-only.\n\n" +
        'Your data is safe. As soon as the invoice is paid everything works again at once: {{ billing_url }}',
      short: '{{ business.name }} suspended: pay {{ invoice.amount }} ({{ invoice.number }}) to restore it: {{ billing_url }}',
    },
  },
  'billing.payment_succeeded': {
    es: {
      subject: '{{ business.name }}: factura {{ invoice.number }} pagada',
      body:
        'Hemos cobrado {{ invoice.amount }} de la factura {{ invoice.number }}. Gracias.\n\n{% if invoice.restored %}{{ business.name }} vuelve a estar activo: la página de reservas acepta reservas de nuevo.\n\n{% endif %}Tienes la factura en PDF en {{ billing_url }}',
      short: '{{ business.name }}: factura {{ invoice.number }} pagada ({{ invoice.amount }}).',
    },
    en: {
      subject: '{{ business.name }}: invoice {{ invoice.number }} paid',
      body:
        'We have collected {{ invoice.amount }} for invoice {{ invoice.number }}. Thank you.\n\n{% if invoice.restored %}{{ business.name }} is active again: the booking page takes bookings once more.\n\n{% endif %}The invoice is available as PDF at {{ billing_url }}',
      short: '{{ business.name }}: invoice {{ invoice.number }} paid ({{ invoice.amount }}).',
    },
  },
};
