import webpush from 'web-push';
import { PublicTargetError, requestPublicTarget, type PinnedResponse } from '../../../platform/net/public-target.ts';
import { ChannelError, retryAfterMs } from './channel-error.ts';

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
  /**
   * Endpoints come from browsers, that is from anyone: unless this is set
   * (tests, a self-hosted push service), an endpoint resolving to a private,
   * loopback or reserved address is refused at send time too.
   */
  allowPrivateEndpoints: boolean;
  timeoutMs?: number | undefined;
}

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and `aes128gcm` payload
 * encryption (RFC 8291), both done by the `web-push` package; the request
 * itself goes through the platform's guard for targets chosen by others
 * (every resolved address checked, the connection pinned to them, no
 * redirects), the same one outgoing webhooks use.
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
      for (const [name, value] of Object.entries(details.headers)) {
        if (name.toLowerCase() !== 'content-length') headers[name] = String(value);
      }
      let response: PinnedResponse;
      try {
        response = await requestPublicTarget({
          url: details.endpoint,
          method: 'POST',
          headers,
          body: details.body ? new Uint8Array(details.body) : new Uint8Array(),
          timeoutMs: settings.timeoutMs ?? 15_000,
          allowPrivate: settings.allowPrivateEndpoints,
          responseLimit: 1_024,
        });
      } catch (error) {
        if (error instanceof PublicTargetError && error.reason !== 'unresolvable') {
          // Private, loopback or malformed: this subscription can never be sent to (and may be an attack).
          throw new ChannelError(`push endpoint refused: ${error.message}`, { permanent: true, status: 'bounced' });
        }
        throw new ChannelError(`push service unreachable: ${error instanceof Error ? error.message : 'error'}`, { permanent: false });
      }
      if (response.status >= 200 && response.status < 300) return { outcome: 'sent', providerMessageId: response.headers.location ?? null };
      if (response.status === 404 || response.status === 410) return { outcome: 'gone', status: response.status };
      // 400/413: this message can never be accepted; 429 and 5xx: try again later, no sooner than the service asks.
      throw new ChannelError(`push service ${response.status}`, {
        permanent: response.status === 400 || response.status === 413,
        retryAfterMs: retryAfterMs(response.headers['retry-after']),
      });
    },
  };
}
