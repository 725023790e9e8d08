/**
 * The business's accent colour on its pages, set through the CSSOM (allowed by the
 * page's CSP, unlike inline style attributes). Text on the accent is white or near-black,
 * whichever reaches the higher contrast; a colour too light to read as link text on white
 * is darkened until it reaches 4.5:1.
 */
const HEX = /^#([0-9a-f]{6})$/i;

function channels(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

function luminance([r, g, b]: [number, number, number]): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

function toHex(rgb: [number, number, number]): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** The colours to use for `accent` (null keeps ours). */
export function accentColours(accent: string | null | undefined): { accent: string; contrast: string } | null {
  if (!accent || !HEX.test(accent)) return null;
  let rgb = channels(accent);
  for (let step = 0; step < 20 && contrast(luminance(rgb), 1) < 4.5; step++) rgb = [rgb[0] * 0.9, rgb[1] * 0.9, rgb[2] * 0.9];
  const lum = luminance(rgb);
  return { accent: toHex(rgb), contrast: contrast(lum, 1) >= contrast(lum, luminance([28, 31, 36])) ? '#ffffff' : '#1c1f24' };
}

export function applyAccent(accent: string | null | undefined): void {
  const colours = accentColours(accent);
  const style = document.documentElement.style;
  if (!colours) {
    style.removeProperty('--accent');
    style.removeProperty('--accent-contrast');
    return;
  }
  style.setProperty('--accent', colours.accent);
  style.setProperty('--accent-contrast', colours.contrast);
}
