import { z } from 'zod';
import { COUNTRY_CODES } from '../../platform/messaging/calling-codes.ts';
import { allowedOriginsSchema, embedOriginSchema, embedOriginsSchema } from './allowed-origins.ts';

/** Minutes a business may choose for a hold (an unpaid booking, a waiting-list offer): 1 to 1440. */
const holdMinutes = z.number().int().min(1).max(1440);
const smsCountry = z.enum(COUNTRY_CODES);
const ACCENT_COLOUR = /^#[0-9a-f]{6}$/i;

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const value = Number.parseInt(hex.slice(1), 16);
  const linear = (channel: number) => {
    const s = channel / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear((value >> 16) & 255) + 0.7152 * linear((value >> 8) & 255) + 0.0722 * linear(value & 255);
}

/** Contrast of white text on `hex`: the booking page's buttons need WCAG AA, 4.5:1. */
export const contrastWithWhite = (hex: string): number => 1.05 / (luminance(hex) + 0.05);

const accentColour = z.string().regex(ACCENT_COLOUR, 'must be a colour such as #1a73e8');

/**
 * The business settings (`businesses.settings`), every key the product reads, in one schema:
 * `PATCH /businesses/{id}` validates its `settings` with it, and every reader goes through
 * `businessSettingsOf`. Keys it does not name are kept as given (a client's own).
 */
export const businessSettingsSchema = z
  .object({
    guest_verification: z.enum(['none', 'otp']).optional().describe('`otp`: guests prove their e-mail or phone with a code before booking'),
    sms_countries: z
      .array(smsCountry)
      .max(COUNTRY_CODES.length)
      .optional()
      .describe('Countries (ISO 3166-1 alpha-2) one-time codes may be texted to; unset: the business\'s own country'),
    /** Origins of the business's own sites: payment return URLs may point there. */
    allowed_origins: allowedOriginsSchema.optional(),
    /** Sites that may show the booking widget; empty or unset: any site. */
    embed_origins: embedOriginsSchema
      .optional()
      .describe(
        'Origins of the sites allowed to embed the booking widget (/embed/{slug}), stored lower-case without a default port; empty or unset: any site',
      ),
    payment_hold_minutes: holdMinutes.optional().describe('Minutes an unpaid booking holds its time before it expires (default 15)'),
    waitlist_offer_minutes: holdMinutes.optional().describe('Minutes a waiting-list offer holds the freed time (default 30)'),
    accent_color: accentColour
      .refine((hex) => contrastWithWhite(hex) >= 4.5, { message: 'white text on it must reach a contrast of 4.5:1 (WCAG AA)' })
      .optional()
      .describe('Accent colour of the booking page (#rrggbb); white text on it must reach 4.5:1 (WCAG AA)'),
    booking_page_shared_at: z.iso
      .datetime()
      .optional()
      .describe('When the booking page was first opened or copied from the dashboard (set by POST /business/setup-status/booking-page-shared)'),
  })
  .catchall(z.unknown());

export type BusinessSettings = z.output<typeof businessSettingsSchema>;

/** Settings as stored: what was saved, possibly before the schema checked a key. */
export type StoredBusinessSettings = Record<string, unknown>;

/** A list read back entry by entry: an entry the schema refuses is skipped, not the whole list. */
const entries = <Entry extends z.ZodType>(entry: Entry) =>
  z
    .array(z.unknown())
    .transform((values) => values.flatMap((value) => {
      const parsed = entry.safeParse(value);
      return parsed.success ? [parsed.data as z.output<Entry>] : [];
    }))
    .optional()
    .catch(undefined);

/**
 * How stored values are read: each key on its own, a value the schema refuses reading as unset.
 * `sms_countries` and `embed_origins` are read entry by entry (a value saved before origins were
 * stored canonical still matches, and one bad entry does not open the widget to every site);
 * `allowed_origins` is all or nothing (a doubtful list sends payments back nowhere but PUBLIC_URL).
 */
const storedSettingsSchema = z.object({
  guest_verification: businessSettingsSchema.shape.guest_verification.catch(undefined),
  sms_countries: entries(smsCountry),
  allowed_origins: allowedOriginsSchema.optional().catch(undefined),
  embed_origins: entries(embedOriginSchema).transform((origins) => (origins === undefined ? undefined : [...new Set(origins)])),
  payment_hold_minutes: holdMinutes.optional().catch(undefined),
  waitlist_offer_minutes: holdMinutes.optional().catch(undefined),
  // Read without the contrast check: a colour saved before it still shows, darkened by the page.
  accent_color: accentColour.optional().catch(undefined),
  booking_page_shared_at: z.iso.datetime().optional().catch(undefined),
});

/** The settings the product reads, each key checked by the schema. */
export type ReadBusinessSettings = z.output<typeof storedSettingsSchema>;

/** The business's settings as the product reads them (see `storedSettingsSchema`); unknown keys are dropped. */
export function businessSettingsOf(stored: StoredBusinessSettings | null | undefined): ReadBusinessSettings {
  return storedSettingsSchema.parse(stored ?? {});
}
