import type { Executor } from '../../platform/db/database.ts';

/**
 * Messages the booking module would send (verification codes, waitlist
 * offers), captured in `booking_captured_messages` until the notifications
 * module delivers them; tests and the embedded outbox read them there.
 */
export class CapturedMessagesRepository {
  async capture(
    executor: Executor,
    tenantId: string,
    message: { channel: 'email' | 'sms'; recipient: string; kind: string; body: string; data?: Record<string, unknown> },
  ): Promise<void> {
    await executor
      .insertInto('booking_captured_messages')
      .values({
        tenant_id: tenantId,
        channel: message.channel,
        recipient: message.recipient,
        kind: message.kind,
        body: message.body,
        data: JSON.stringify(message.data ?? {}),
      })
      .execute();
  }
}
