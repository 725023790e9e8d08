import type { Executor } from '../../platform/db/database.ts';
import { insertCapturedMessage } from './one-time-tokens.repository.ts';

export type IdentityMessageKind = 'email_verification' | 'password_reset' | 'invitation';

/**
 * "Sends" an identity e-mail. Until the notifications module delivers mail, messages are
 * captured in `captured_messages` (the embedded mode's outbox, readable by tests).
 */
export async function sendIdentityMessage(
  executor: Executor,
  message: { tenantId: string | null; to: string; kind: IdentityMessageKind; subject: string; body: string; data: Record<string, unknown> },
): Promise<void> {
  await insertCapturedMessage(executor, {
    tenantId: message.tenantId,
    recipient: message.to,
    kind: message.kind,
    subject: message.subject,
    body: message.body,
    data: message.data,
  });
}
