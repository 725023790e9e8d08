import { z } from 'zod';

export const verificationRequestSchema = z.strictObject({
  channel: z.enum(['email', 'sms']),
  // Not trimmed here: the service parses it as exactly one address, and a CR/LF anywhere is refused, not cut off.
  destination: z.string().min(3).max(320).describe('One e-mail address (no name, list or comment), or one phone in E.164 for sms'),
  language: z.enum(['es', 'en']).optional().describe("Language of the message; else the browser's (Accept-Language), else the business's"),
});
export type VerificationRequest = z.infer<typeof verificationRequestSchema>;

export const verificationCheckSchema = z.strictObject({
  destination: z.string().trim().min(3).max(320),
  code: z.string().regex(/^\d{6}$/, 'Six digits'),
});
export type VerificationCheck = z.infer<typeof verificationCheckSchema>;

export const verificationSentSchema = z.object({ channel: z.enum(['email', 'sms']), expires_in: z.int() });
export const verificationTokenSchema = z.object({ verification_token: z.string(), expires_in: z.int() });
