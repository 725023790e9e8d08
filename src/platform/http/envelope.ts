import { z } from 'zod';

export interface PaginationMeta {
  cursor: string | null;
  has_more: boolean;
}

export interface SuccessEnvelope<T> {
  success: true;
  data: T;
  metadata: { timestamp: string; pagination?: PaginationMeta };
}

export interface ErrorEnvelope {
  success: false;
  error: { code: string; message: string; details?: unknown };
  metadata: { timestamp: string; request_id?: string };
}

/** Wraps a result in the API's success envelope. */
export function ok<T>(data: T, pagination?: PaginationMeta): SuccessEnvelope<T> {
  return {
    success: true,
    data,
    metadata: { timestamp: new Date().toISOString(), ...(pagination ? { pagination } : {}) },
  };
}

export function failure(code: string, message: string, details?: unknown, requestId?: string): ErrorEnvelope {
  return {
    success: false,
    error: { code, message, ...(details === undefined ? {} : { details }) },
    metadata: { timestamp: new Date().toISOString(), ...(requestId ? { request_id: requestId } : {}) },
  };
}

/** OpenAPI description of a success envelope around `data`. */
export function envelopeSchema<T extends z.ZodType>(data: T) {
  return z.object({
    success: z.literal(true),
    data,
    metadata: z.object({
      timestamp: z.string(),
      pagination: z.object({ cursor: z.string().nullable(), has_more: z.boolean() }).optional(),
    }),
  });
}

export const errorEnvelopeSchema = z.object({
  success: z.literal(false),
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  metadata: z.object({ timestamp: z.string(), request_id: z.string().optional() }),
});
