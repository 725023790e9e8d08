/** What a snippet's data-* attributes ask for, checked (docs/widget.md lists them). */
export type Locale = 'es' | 'en';

export interface WidgetOptions {
  /** data-business: the business's name in its booking-page address (/book/{business}). */
  business: string;
  /** data-mode: `inline` (default) where the script stands, or `button`: a floating button opening a dialog. */
  mode: 'inline' | 'button';
  /** data-service: one service's id, to start at its calendar. */
  service: string | null;
  /** data-locale, else the page's `lang`, else the browser's languages; Spanish by default. */
  locale: Locale;
  /** data-label: the button's text (button mode). */
  label: string | null;
  /** data-color: the button's colour, `#rrggbb` (button mode). */
  color: string | null;
  /** data-position: `right` (default) or `left` (button mode). */
  position: 'right' | 'left';
  /** data-target: a CSS selector of the element to render into; default: where the script stands. */
  target: string | null;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/i;
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLOR = /^#[0-9a-f]{6}$/i;

function localeOf(asked: string | undefined): Locale {
  for (const tag of [asked, document.documentElement.lang, ...navigator.languages]) {
    const base = tag?.trim().toLowerCase().split('-')[0];
    if (base === 'es' || base === 'en') return base;
  }
  return 'es';
}

/** The options of `script`; throws with what to fix when data-business is missing or malformed. */
export function readOptions(script: HTMLElement): WidgetOptions {
  const data = script.dataset;
  const business = data.business?.trim() ?? '';
  if (!SLUG.test(business)) throw new Error('data-business must name a business (letters, digits and dashes, as in /book/{business})');
  const service = data.service?.trim() ?? '';
  const color = data.color?.trim() ?? '';
  return {
    business: business.toLowerCase(),
    mode: data.mode?.trim() === 'button' ? 'button' : 'inline',
    service: ID.test(service) ? service.toLowerCase() : null,
    locale: localeOf(data.locale),
    label: data.label?.trim().slice(0, 60) || null,
    color: COLOR.test(color) ? color : null,
    position: data.position?.trim() === 'left' ? 'left' : 'right',
    target: data.target?.trim() || null,
  };
}

/** Black or white text, whichever contrasts more with `hex` (WCAG relative luminance). */
export function textColorOn(hex: string): string {
  const channel = (offset: number) => {
    const value = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#ffffff' : '#111111';
}
