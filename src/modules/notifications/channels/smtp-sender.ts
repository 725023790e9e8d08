import nodemailer from 'nodemailer';
import { ChannelError } from './channel-error.ts';

export interface OutgoingEmail {
  /** Stable per notification, so a retried send is recognisable as the same message. */
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** An RFC 5545 invitation (text/calendar) with its METHOD. */
  invitation?: { method: 'REQUEST' | 'CANCEL'; content: string } | undefined;
  /** Marketing mail: one-click unsubscribe (RFC 8058). */
  unsubscribeUrl?: string | undefined;
}

export interface EmailSender {
  send(email: OutgoingEmail): Promise<{ providerMessageId: string }>;
  close(): void;
}

/** Email over SMTP (SMTP_URL, e.g. smtp://user:pass@host:587 or smtps://...). */
export function createSmtpSender(smtpUrl: string, from: string): EmailSender {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(email) {
      try {
        const info = await transport.sendMail({
          from,
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          messageId: email.messageId,
          ...(email.invitation
            ? {
                icalEvent: {
                  method: email.invitation.method,
                  filename: email.invitation.method === 'CANCEL' ? 'cancel.ics' : 'invite.ics',
                  content: email.invitation.content,
                },
              }
            : {}),
          ...(email.unsubscribeUrl
            ? {
                list: { unsubscribe: { url: email.unsubscribeUrl, comment: 'Unsubscribe' } },
                headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
              }
            : {}),
        });
        const rejected = info.rejected.length > 0;
        if (rejected) throw new ChannelError('the SMTP server rejected the recipient', { permanent: true, status: 'bounced' });
        return { providerMessageId: info.messageId };
      } catch (error) {
        if (error instanceof ChannelError) throw error;
        const responseCode = typeof error === 'object' && error !== null && 'responseCode' in error ? Number(error.responseCode) : NaN;
        // 5xx from the server is a definitive refusal (bad mailbox, policy); 4xx and network errors are transient.
        if (responseCode >= 500 && responseCode < 600) {
          throw new ChannelError(`SMTP ${responseCode}`, { permanent: true, status: 'bounced' });
        }
        throw new ChannelError(
          Number.isNaN(responseCode) ? `SMTP unavailable: ${error instanceof Error ? error.message : 'error'}` : `SMTP ${responseCode}`,
          { permanent: false },
        );
      }
    },
    close() {
      transport.close();
    },
  };
}
