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
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: { method: string; url: string; id: string; headers: Record<string, unknown> }) => ({
        method: request.method,
        // Query strings can carry tokens (manage links, feeds): log the path only.
        url: request.url.split('?')[0],
        id: request.id,
        headers: { 'user-agent': request.headers['user-agent'], authorization: request.headers.authorization },
      }),
    },
  };
}
