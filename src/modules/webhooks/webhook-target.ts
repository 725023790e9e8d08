import {
  isNonPublicAddress,
  parseHttpTargetUrl,
  PublicTargetError,
  requestPublicTarget,
  resolvePublicTarget,
  type PinnedResponse,
} from '../../platform/net/public-target.ts';

/**
 * Outgoing webhook HTTP, through the platform's guard for targets chosen by
 * others (`platform/net/public-target.ts`, shared with Web Push): every
 * resolved address checked, the connection pinned to them, no redirects,
 * bounded time. The names below are the webhooks module's view of it.
 */

export { isNonPublicAddress };
export { PublicTargetError as WebhookTargetError };
export const parseWebhookUrl = parseHttpTargetUrl;
export const resolveWebhookTarget = resolvePublicTarget;

export type WebhookHttpResponse = PinnedResponse;

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivate: boolean;
  signal?: AbortSignal | undefined;
}

/** POSTs a webhook: target checked and pinned, no redirects, bounded time and response size. */
export async function postWebhook(request: WebhookRequest): Promise<WebhookHttpResponse> {
  return requestPublicTarget({
    url: request.url,
    method: 'POST',
    headers: { ...request.headers, 'content-type': 'application/json', 'user-agent': 'ReserveHub-Webhooks/1.0' },
    body: request.body,
    timeoutMs: request.timeoutMs,
    allowPrivate: request.allowPrivate,
    signal: request.signal,
  });
}
