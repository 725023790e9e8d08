/** Codes the client itself gives when the server's envelope is not there to give one. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'INVALID_RESPONSE';

/**
 * A failed call: the server's stable `code` (`SLOT_UNAVAILABLE`, `VALIDATION_ERROR`, ...),
 * the HTTP `status` (0 when the server was not reached) and the envelope's `details`.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;
  readonly requestId: string | null;

  constructor(init: { code: string; status: number; message: string; details?: unknown; requestId?: string | null; cause?: unknown }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ApiError';
    this.code = init.code;
    this.status = init.status;
    this.details = init.details;
    this.requestId = init.requestId ?? null;
  }
}

/** The server's failure envelope: `{success: false, error: {code, message, details?}, metadata}`. */
export interface ErrorEnvelope {
  success: false;
  error: { code: string; message: string; details?: unknown };
  metadata?: { timestamp?: string; request_id?: string };
}

export function isErrorEnvelope(body: unknown): body is ErrorEnvelope {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}
