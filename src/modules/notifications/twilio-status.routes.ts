import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { receiveTwilioStatus, TWILIO_STATUS_PATH, type TwilioStatusDeps } from './twilio-status.service.ts';

const statusAckSchema = z.object({ received: z.literal(true), outcome: z.enum(['applied', 'unchanged', 'ignored', 'unknown']) });

/**
 * Twilio's status callbacks. Registered in their own encapsulated scope whose
 * form parser keeps the body as it came, because the signature is over the
 * exact parameters; the platform's JSON-only parser stays as it is elsewhere.
 */
export function registerTwilioStatusRoutes(api: ApiRouter, deps: TwilioStatusDeps): void {
  void api.register(async (plainScope) => {
    const scope = plainScope.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, String(body)));

    scope.post(
      TWILIO_STATUS_PATH,
      {
        schema: {
          tags: ['Notifications'],
          summary: 'Twilio message status callbacks (SMS, WhatsApp)',
          description:
            'Form-encoded as Twilio sends it (`MessageSid`, `MessageStatus`, `ErrorCode`, ...), verified with ' +
            '`X-Twilio-Signature` (HMAC-SHA1 of the URL and the sorted parameters with the auth token); a bad signature ' +
            'answers 400 `INVALID_SIGNATURE` and changes nothing. `delivered`/`read` mark the message delivered, ' +
            '`undelivered`/`failed` mark it failed with the error code; a message never moves back, so repeated and ' +
            'out-of-order callbacks are harmless.',
          response: { 200: envelopeSchema(statusAckSchema) },
        },
        // Not under the public per-IP limit: only failed signatures count, per IP (platform/http/signed-callbacks.ts).
        config: { access: { public: true, tenant: 'none' }, signedCallback: true },
      },
      async (request) => {
        if (typeof request.body !== 'string') throw new AppError('INVALID_SIGNATURE', 'Send the callback as application/x-www-form-urlencoded');
        const signature = request.headers['x-twilio-signature'];
        const outcome = await receiveTwilioStatus(deps, {
          url: request.url,
          rawBody: request.body,
          signature: typeof signature === 'string' ? signature : undefined,
        });
        return ok({ received: true as const, outcome });
      },
    );
  });
}
