import type { LoggerOptions } from 'pino';
import { activeTraceFields } from './tracing.ts';

/**
 * Paths whose next segment is a bearer link token: the hosted payment page, manage links, calendar
 * feeds, waitlist offers. Matched anywhere in the path (`/api/v1/manage/...` as well as `/pay/...`).
 */
const TOKEN_PATH = /(\/(?:pay|manage|calendar\/feeds|waitlist\/offers)\/)[^/]+/gi;

/**
 * The request URL as logged: the path only, since query strings carry tokens (`?token=` of
 * unsubscribe links, signed onboarding links), with link tokens in the path replaced. The path is
 * percent-decoded first, because the router decodes it too: `/m%61nage/{token}` reaches the same route.
 */
export function loggableUrl(url: string): string {
  const path = url.split('?')[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    decoded = path;
  }
  return decoded.replace(TOKEN_PATH, '$1[redacted]');
}

/** Development on a terminal: readable lines (pino-pretty). Everywhere else JSON lines, one per event. */
export function prettyLogs(nodeEnv: string): boolean {
  return nodeEnv === 'development' && process.stdout.isTTY === true;
}

/**
 * pino options shared by the HTTP server and the worker: JSON lines (pretty in development), with
 * credentials, secrets and personal data redacted wherever they appear, and the trace and span ids
 * of the request or job that logged the line.
 */
export function loggerOptions(level: string, options: { pretty?: boolean } = {}): LoggerOptions {
  return {
    level,
    mixin: activeTraceFields,
    ...(options.pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
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
        url: loggableUrl(request.url),
        id: request.id,
        headers: { 'user-agent': request.headers['user-agent'], authorization: request.headers.authorization },
      }),
    },
  };
}
