import { z } from 'zod';

/** At most this many extra origins per business (its own sites that embed the booking widget). */
export const MAX_ALLOWED_ORIGINS = 20;

/** `https://host[:port]` (or `http://` for local development), nothing after the host. */
export const originSchema = z
  .string()
  .max(255)
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, 'must be an origin such as https://www.example.com (no path)');

/** The business setting `allowed_origins`: where the business's own pages live. */
export const allowedOriginsSchema = z.array(originSchema).max(MAX_ALLOWED_ORIGINS);
