/**
 * The messages between the booking widget's iframe (/embed/{slug}) and the loader script on the
 * host page (/widget.js). The iframe posts only to the host's origin; the loader accepts only what
 * its own iframe posts from the product's origin. No personal data crosses: a confirmed booking
 * names its number, time and service, never the customer.
 */
export const WIDGET_SOURCE = 'reservehub';

/** The query the loader gives the widget's page (docs/widget.md). */
export const EMBED_PARAMS = {
  /** The host page's origin: the only one the widget's page posts to, once the business allows it. */
  host: 'host',
  /** This widget's id: every message names it, so two widgets on one page never mix. */
  widget: 'widget',
  /** es | en (read by the app's language detection). */
  lang: 'lang',
  /** inline | button: in a dialog, Escape inside the frame asks the loader to close it. */
  mode: 'mode',
} as const;

export interface WidgetEvents {
  /** The widget has rendered (the business's page loaded); `name` is the business's display name. */
  ready: { business: string; name: string | null };
  /** The widget's content height changed, in CSS pixels. */
  resize: { height: number };
  booking_confirmed: {
    booking_number: string;
    status: string;
    start_time: string;
    service_id: string;
    service_name: string;
  };
  /** The customer asked to close the widget (button mode closes its dialog). */
  close: Record<never, never>;
}

export type WidgetEventName = keyof WidgetEvents;

/** What the host page hears: the frame's events, and the dialog opening and closing in button mode. */
export type HostEvents = WidgetEvents & { open: Record<never, never> };
export type HostEventName = keyof HostEvents;

export type WidgetMessage = {
  [Name in WidgetEventName]: { source: typeof WIDGET_SOURCE; widget: string; type: Name; detail: WidgetEvents[Name] };
}[WidgetEventName];

const NAMES: readonly WidgetEventName[] = ['ready', 'resize', 'booking_confirmed', 'close'];

/** A message that has the widget protocol's shape (its origin and sender are checked separately). */
export function isWidgetMessage(data: unknown): data is WidgetMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  return (
    message.source === WIDGET_SOURCE &&
    typeof message.widget === 'string' &&
    NAMES.includes(message.type as WidgetEventName) &&
    typeof message.detail === 'object' &&
    message.detail !== null
  );
}

/** `https://host[:port]` and nothing else: what the loader passes as the host page's origin. */
export function parseOrigin(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value ? url.origin : null;
  } catch {
    return null;
  }
}
