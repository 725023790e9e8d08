import { readFileSync } from 'node:fs';
import { hash, verify } from '@node-rs/argon2';
import { validationError } from '../../platform/http/errors.ts';

/**
 * OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. @node-rs/argon2 defaults to the
 * argon2id variant; the parameters are written out so a reader sees them.
 */
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

let commonPasswords: Set<string> | undefined;

/** The shipped breached-password list (see data/build-common-passwords.ts), loaded once on first use. */
function breachedList(): Set<string> {
  commonPasswords ??= new Set(
    readFileSync(new URL('./data/common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line !== ''),
  );
  return commonPasswords;
}

export function isCommonPassword(password: string): boolean {
  return breachedList().has(password.toLowerCase());
}

/**
 * NIST SP 800-63B style: length 12–128 (counted in characters), no composition rules,
 * refused when it is on the breached list or is the e-mail address itself.
 */
export function assertAcceptablePassword(password: string, email?: string, field = 'password'): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    throw validationError(
      [{ field, message: `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`, code: 'password_length' }],
      `The password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`,
    );
  }
  if (isCommonPassword(password) || (email !== undefined && password.toLowerCase() === email.toLowerCase())) {
    throw validationError(
      [{ field, message: 'appears in lists of breached passwords; choose another', code: 'password_breached' }],
      'This password is too common: it appears in lists of breached passwords. Choose another one.',
    );
  }
}

export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Spends the time of a real verification, so unknown e-mails answer as slowly as wrong passwords. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('reservehub-timing-equaliser');
  await verifyPassword(await dummyHash, password);
}
