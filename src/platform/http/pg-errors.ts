import { AppError } from './errors.ts';

/**
 * Database refusals that reach the HTTP layer become clear 4xx answers; the
 * SQL and constraint text never leave the server. Services should catch what
 * they expect and say it better; this is the safety net.
 */
export function pgErrorToAppError(error: unknown): AppError | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  const code = String(error.code);
  switch (code) {
    case '23505':
      return new AppError('CONFLICT', 'A record with the same unique value already exists');
    case '23P01':
      return new AppError('CONFLICT', 'This change collides with an existing record');
    case '23503':
      return new AppError('VALIDATION_ERROR', 'The request refers to a record that does not exist');
    case '23514':
    case '23502':
    case '22001':
    case '22003':
    case '22007':
    case '22008':
    case '22P02':
      return new AppError('VALIDATION_ERROR', 'A value in the request is out of range or malformed');
    case '40001':
    case '40P01':
      return new AppError('CONFLICT', 'The request collided with a concurrent change; retry it');
    case '42501':
      // Row-Level Security or privilege refusal: never reveal that the row exists.
      return new AppError('NOT_FOUND', 'Resource not found');
    default:
      return null;
  }
}
