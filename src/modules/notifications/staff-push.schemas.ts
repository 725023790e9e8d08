import { z } from 'zod';

const base64url = z.string().regex(/^[A-Za-z0-9_-]+={0,2}$/).max(200);

/** The browser's `PushSubscription.toJSON()`. */
export const staffPushSubscriptionBodySchema = z.strictObject({
  endpoint: z.url({ protocol: /^https?$/ }).max(2000).describe('The push service URL the browser was given (https)'),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({ p256dh: base64url.min(80), auth: base64url.min(16) }),
});
export type StaffPushSubscriptionBody = z.infer<typeof staffPushSubscriptionBodySchema>;

/** A member's device as the API shows it: the push service's origin, never the endpoint (it reaches the device). */
export const staffPushSubscriptionSchema = z.object({
  id: z.uuid(),
  push_service: z.string().describe('Origin of the push service'),
  user_agent: z.string().nullable(),
  created_at: z.string(),
  last_success_at: z.string().nullable().describe('When a notice last reached this browser'),
});

export const staffPushSubscriptionParamsSchema = z.object({ id: z.uuid() });

export const pushPublicKeySchema = z.object({
  public_key: z.string().nullable().describe('The VAPID public key (`applicationServerKey` of `PushManager.subscribe`); null when Web Push is not configured'),
});
