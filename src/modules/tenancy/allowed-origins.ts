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

/** A DNS label: letters, digits and inner hyphens, 1 to 63 characters. */
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * `value` as a browser names the origin of its pages (`location.origin`, the `Origin` header,
 * `MessageEvent.origin`): lower-case host, no default port. Null when it is not an origin a page
 * can have: not `originSchema`'s shape, an empty or malformed host label, a port out of range.
 */
export function canonicalOrigin(value: unknown): string | null {
  if (typeof value !== 'string' || !originSchema.safeParse(value).success) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  return url.hostname.split('.').every((label) => LABEL.test(label)) ? url.origin : null;
}

/**
 * The business setting `embed_origins`: the sites allowed to frame its booking widget. Stored as
 * browsers name origins (`https://Shop.Example:443` → `https://shop.example`), without repeats, so
 * the widget's page can compare them with the origin of the page that frames it.
 */
export const embedOriginSchema = originSchema
  .refine((value) => canonicalOrigin(value) !== null, 'must be an origin such as https://www.example.com (a valid host, a port up to 65535)')
  .transform((value) => canonicalOrigin(value) as string);

export const embedOriginsSchema = z
  .array(embedOriginSchema)
  .max(MAX_ALLOWED_ORIGINS)
  .transform((origins) => [...new Set(origins)]);
