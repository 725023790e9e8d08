import { describe, expect, it } from 'vitest';
import { accentColours } from './accent.ts';

const luminance = (hex: string) => {
  const channel = (offset: number) => {
    const s = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
};
const contrast = (a: string, b: string) => {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
};

describe('accentColours', () => {
  it('keeps ours for a missing or malformed colour', () => {
    expect(accentColours(null)).toBeNull();
    expect(accentColours('red')).toBeNull();
    expect(accentColours('#12345')).toBeNull();
  });

  it.each(['#C2185B', '#00897B', '#FFEB3B', '#FFFFFF', '#000000', '#3b5bdb'])('%s reads at 4.5:1 as link text on white and under its button text', (colour) => {
    const colours = accentColours(colour);
    expect(colours).not.toBeNull();
    expect(contrast(colours!.accent, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrast(colours!.accent, colours!.contrast)).toBeGreaterThanOrEqual(4.5);
  });

  it('leaves a colour that already reads well unchanged', () => {
    expect(accentColours('#C2185B')?.accent).toBe('#c2185b');
  });
});
