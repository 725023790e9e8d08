import type { Trx } from '../../platform/db/database.ts';
import type { IdentityMessage, IdentityMessageKind, IdentityMessagesPort } from '../identity/index.ts';
import { composeMessages, type ComposerDeps } from './message-composer.ts';
import type { TemplateKey } from './notification-catalogue.ts';
import { SECRET_PLACEHOLDER } from './one-time-secret.ts';

const TEMPLATE_OF: Record<IdentityMessageKind, TemplateKey> = {
  password_reset: 'account.password_reset',
  email_verification: 'account.email_verification',
  invitation: 'account.invitation',
  signup_attempt: 'account.signup_attempt',
};

/**
 * Identity's account e-mails (its messages port): queued in the caller's transaction as an
 * address message, sent by the delivery job over SMTP (captured in the outbox without SMTP). The
 * link's token is the message's one-time secret: the stored text holds a placeholder, the token
 * is kept apart encrypted, put in only when sending and dropped once sent (`one-time-secret.ts`).
 */
export function createIdentityMessages(composer: ComposerDeps): IdentityMessagesPort {
  return {
    async queue(trx: Trx, message: IdentityMessage) {
      const link = message.link;
      await composeMessages(trx, composer, message.tenantId, {
        key: TEMPLATE_OF[message.kind],
        dedupeBase: message.reference,
        eventId: null,
        recipient: { kind: 'address', channel: 'email', address: message.to },
        oneTimeCode: link?.token,
        extra: () => ({
          action_url: link === undefined ? '' : `${link.urlBase}${SECRET_PLACEHOLDER}`,
          expires_hours: link?.expiresHours ?? 0,
          role: message.role ?? '',
        }),
      });
    },
  };
}
