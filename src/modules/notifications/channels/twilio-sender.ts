import { z } from 'zod';
import { ChannelError, retryAfterMs } from './channel-error.ts';

export interface OutgoingText {
  channel: 'sms' | 'whatsapp';
  /** E.164. */
  to: string;
  body: string;
}

export interface TextSender {
  send(message: OutgoingText): Promise<{ providerMessageId: string; status: string }>;
}

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** Sender number (E.164) or messaging service; WhatsApp gets the `whatsapp:` prefix. */
  from: string;
  apiBase: string;
  /** Where Twilio reports each message's fate (delivered, undelivered, failed): our public callback route. */
  statusCallbackUrl?: string | undefined;
  timeoutMs?: number | undefined;
}

const messageResponse = z.object({ sid: z.string(), status: z.string() });
const errorResponse = z.object({ code: z.number().optional(), message: z.string().optional() });

/**
 * SMS and WhatsApp through Twilio's REST API (Messages resource), with plain
 * fetch: form-encoded POST, HTTP Basic auth with the account SID and token.
 */
export function createTwilioSender(settings: TwilioSettings): TextSender {
  const endpoint = `${settings.apiBase.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`;
  return {
    async send(message) {
      const prefix = message.channel === 'whatsapp' ? 'whatsapp:' : '';
      const form = new URLSearchParams({ To: `${prefix}${message.to}`, From: `${prefix}${settings.from}`, Body: message.body });
      if (settings.statusCallbackUrl) form.set('StatusCallback', settings.statusCallbackUrl);
      let response: Response;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: form,
          redirect: 'error',
          signal: AbortSignal.timeout(settings.timeoutMs ?? 15_000),
        });
      } catch (error) {
        throw new ChannelError(`Twilio unreachable: ${error instanceof Error ? error.message : 'error'}`, { permanent: false });
      }
      const payload: unknown = await response.json().catch(() => null);
      if (response.ok) {
        const parsed = messageResponse.safeParse(payload);
        if (!parsed.success) throw new ChannelError('unexpected answer from Twilio', { permanent: false });
        return { providerMessageId: parsed.data.sid, status: parsed.data.status };
      }
      const failure = errorResponse.safeParse(payload);
      const detail = failure.success ? `${failure.data.code ?? ''} ${failure.data.message ?? ''}`.trim() : '';
      // 400: the request itself is wrong (invalid or unreachable number, ...): retrying will not help.
      // 401/403: bad credentials, 429 and 5xx: retry later, when configuration or Twilio recovers.
      throw new ChannelError(`Twilio ${response.status}${detail ? `: ${detail}` : ''}`, {
        permanent: response.status === 400 || response.status === 404,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
      });
    },
  };
}
