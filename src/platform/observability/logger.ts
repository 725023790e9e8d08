import type { LoggerOptions } from 'pino';

/**
 * pino options shared by the HTTP server and the worker: JSON lines, with
 * credentials, secrets and personal data redacted wherever they appear.
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'req.headers["stripe-signature"]',
        '*.password',
        '*.token',
        '*.secret',
        '*.access_token',
        '*.refresh_token',
        '*.email',
        '*.phone',
        '*.card_number',
        // Card data (PCI): the sandbox payment page's form fields and the API's test `card` object. Card
        // numbers are never logged on purpose; these catch an object that carries one by accident.
        'card_number',
        'card_cvc',
        '*.card_cvc',
        '*.card_exp',
        '*.cvc',
        '*.card.number',
        '*.card.cvc',
        '*.client_secret',
        '*.clientSecret',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: { method: string; url: string; id: string; headers: Record<string, unknown> }) => ({
        method: request.method,
        // Query strings can carry tokens (manage links, feeds): log the path only. The payment page's
        // path is itself a link token: kept out of the logs too.
        url: (request.url.split('?')[0] ?? '').replace(/^\/pay\/[^/]+/, '/pay/[redacted]'),
        id: request.id,
        headers: { 'user-agent': request.headers['user-agent'], authorization: request.headers.authorization },
      }),
    },
  };
}
