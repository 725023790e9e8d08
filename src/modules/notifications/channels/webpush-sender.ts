import webpush from 'web-push';
import { ChannelError } from './channel-error.ts';

export interface PushTarget {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface OutgoingPush {
  /** JSON shown by the service worker: title, body, and a URL to open. */
  payload: string;
  /** Seconds the push service may keep the message for an offline device. */
  ttlSeconds?: number | undefined;
}

/** The push service's answer: accepted, or the subscription is gone for good (404/410: remove it). */
export type PushOutcome = { outcome: 'sent'; providerMessageId: string | null } | { outcome: 'gone'; status: number };

export interface PushSender {
  send(target: PushTarget, message: OutgoingPush): Promise<PushOutcome>;
}

export interface VapidSettings {
  publicKey: string;
  privateKey: string;
  /** `mailto:` or `https:` contact of the sender (RFC 8292). */
  subject: string;
  timeoutMs?: number | undefined;
}

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and `aes128gcm` payload
 * encryption (RFC 8291), both done by the `web-push` package; the request
 * itself goes out with fetch so any endpoint URL works (web-push's own
 * `sendNotification` speaks HTTPS only), without following redirects.
 */
export function createWebPushSender(settings: VapidSettings): PushSender {
  return {
    async send(target, message) {
      let details: webpush.RequestDetails;
      try {
        details = webpush.generateRequestDetails({ endpoint: target.endpoint, keys: target.keys }, message.payload, {
          vapidDetails: { subject: settings.subject, publicKey: settings.publicKey, privateKey: settings.privateKey },
          contentEncoding: 'aes128gcm',
          TTL: message.ttlSeconds ?? 86_400,
        });
      } catch (error) {
        // A malformed subscription (bad keys or endpoint) never becomes sendable.
        throw new ChannelError(`invalid push subscription: ${error instanceof Error ? error.message : 'error'}`, { permanent: true, status: 'bounced' });
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(details.headers)) headers[name] = String(value);
      let response: Response;
      try {
        response = await fetch(details.endpoint, {
          method: 'POST',
          headers,
          ...(details.body ? { body: new Uint8Array(details.body) } : {}),
          redirect: 'error',
          signal: AbortSignal.timeout(settings.timeoutMs ?? 15_000),
        });
      } catch (error) {
        throw new ChannelError(`push service unreachable: ${error instanceof Error ? error.message : 'error'}`, { permanent: false });
      }
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { outcome: 'sent', providerMessageId: response.headers.get('location') };
      if (response.status === 404 || response.status === 410) return { outcome: 'gone', status: response.status };
      // 400/413: this message can never be accepted; 429 and 5xx: try again later.
      throw new ChannelError(`push service ${response.status}`, {
        permanent: response.status === 400 || response.status === 413,
      });
    },
  };
}
