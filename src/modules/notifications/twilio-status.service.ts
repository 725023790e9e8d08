import type { Db } from '../../platform/db/database.ts';
import { withPlatform, withTenant } from '../../platform/db/tenant-context.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { isValidTwilioSignature } from './channels/twilio-signature.ts';
import * as repo from './notifications.repository.ts';

/** Where Twilio posts delivery reports, under the API's base path. */
export const TWILIO_STATUS_PATH = '/notifications/webhooks/twilio';

/** The StatusCallback URL the sender gives Twilio with every message. */
export const twilioStatusCallbackUrl = (publicUrl: string): string => `${publicUrl}/api/v1${TWILIO_STATUS_PATH}`;

/**
 * - `applied`: the report moved the message (sent → delivered or failed);
 * - `unchanged`: ours, but the message is past that point already (repeats, late or out-of-order reports);
 * - `ignored`: an intermediate status (queued, sending, sent...) that changes nothing;
 * - `unknown`: no message of ours has that id (never sent by us, or not recorded yet).
 */
export type TwilioStatusOutcome = 'applied' | 'unchanged' | 'ignored' | 'unknown';

/** What a Twilio `MessageStatus` means for our row; null for the intermediate ones. */
export function reportFromTwilio(status: string, errorCode: string | null, at: Date): repo.ProviderReport | null {
  switch (status) {
    case 'delivered':
    case 'read': // WhatsApp: read implies delivered.
      return { status: 'delivered', at };
    case 'undelivered':
    case 'failed':
      return { status: 'failed', at, errorCode, error: `Twilio reported ${status}${errorCode ? ` (error ${errorCode})` : ''}` };
    default:
      return null;
  }
}

export interface TwilioStatusDeps {
  db: Db;
  /** Null when Twilio is not configured: no report can be verified. */
  authToken: string | null;
  /** `PUBLIC_URL`: Twilio signs the URL it called, which is ours as we gave it. */
  publicUrl: string;
}

/**
 * One status callback: the signature is checked over the URL and the form
 * parameters before anything is read (a bad one changes nothing), the tenant
 * is found by Twilio's message id, and the report is applied in that
 * tenant's transaction. Only a `sent` message moves, so repeats and late
 * reports are harmless.
 */
export async function receiveTwilioStatus(
  deps: TwilioStatusDeps,
  request: { url: string; rawBody: string; signature: string | undefined },
): Promise<TwilioStatusOutcome> {
  if (deps.authToken === null) throw notFound('Twilio integration');
  const params = [...new URLSearchParams(request.rawBody).entries()];
  if (!isValidTwilioSignature(deps.authToken, `${deps.publicUrl}${request.url}`, params, request.signature)) {
    throw new AppError('INVALID_SIGNATURE', 'The X-Twilio-Signature header does not match this request');
  }
  const form = new Map(params);
  const messageId = form.get('MessageSid') ?? form.get('SmsSid');
  const status = form.get('MessageStatus') ?? form.get('SmsStatus');
  if (messageId === undefined || status === undefined) {
    throw new AppError('VALIDATION_ERROR', 'A status callback names MessageSid and MessageStatus', [
      { field: 'body.MessageSid', message: 'required' },
      { field: 'body.MessageStatus', message: 'required' },
    ]);
  }
  const errorCode = form.get('ErrorCode')?.slice(0, 40) || null;
  const report = reportFromTwilio(status, errorCode, new Date());
  if (report === null) return 'ignored';
  const tenantId = await withPlatform(deps.db, (trx) => repo.tenantOfProviderMessage(trx, 'twilio', messageId));
  if (tenantId === undefined) return 'unknown';
  const changed = await withTenant(deps.db, tenantId, (trx) => repo.applyProviderReport(trx, tenantId, 'twilio', messageId, report));
  return changed ? 'applied' : 'unchanged';
}
