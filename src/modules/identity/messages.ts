import type { Trx } from '../../platform/db/database.ts';

/**
 * The account messages identity sends: a link with a one-time token (password reset, e-mail
 * verification, invitation) or a notice (someone tried to sign up with this address).
 */
export type IdentityMessageKind = 'password_reset' | 'email_verification' | 'invitation' | 'signup_attempt';

export interface IdentityMessage {
  kind: IdentityMessageKind;
  /**
   * Whose outbox holds it: the inviting business for an invitation; the platform
   * (`PLATFORM_TENANT_ID`) for messages about the person's own account.
   */
  tenantId: string;
  /** Unique per message, so a retried transaction never sends it twice. */
  reference: string;
  to: string;
  /**
   * The link to act on: `urlBase` followed by the one-time token. The token is kept apart from the
   * stored text (encrypted), put in only when sending and dropped once sent.
   */
  link?: { urlBase: string; token: string; expiresHours: number } | undefined;
  /** The role an invitation offers. */
  role?: string | undefined;
}

/**
 * Where identity hands its messages: the notifications module fulfils it (composition root),
 * queueing the message in the caller's transaction, so it exists exactly when its token does,
 * and sending it by SMTP (or capturing it in the embedded mode without SMTP).
 */
export interface IdentityMessagesPort {
  queue(trx: Trx, message: IdentityMessage): Promise<void>;
}
