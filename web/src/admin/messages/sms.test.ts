import { describe, expect, it } from 'vitest';
import { smsLength } from './sms.ts';

describe('smsLength', () => {
  it('counts GSM-7 texts: 160 in one part, 153 per part beyond', () => {
    expect(smsLength('')).toMatchObject({ segments: 0, length: 0 });
    expect(smsLength('a'.repeat(160))).toEqual({ encoding: 'gsm', length: 160, segments: 1, perSegment: 160 });
    expect(smsLength('a'.repeat(161))).toEqual({ encoding: 'gsm', length: 161, segments: 2, perSegment: 153 });
    expect(smsLength('ñÑéü reserva')).toMatchObject({ encoding: 'gsm', segments: 1 });
  });

  it('counts the extension characters twice', () => {
    expect(smsLength('10 €').length).toBe(5);
  });

  it('turns into UCS-2 with one character outside GSM-7: 70 in one part, 67 per part', () => {
    expect(smsLength('Cita mañana á las 10')).toMatchObject({ encoding: 'ucs2', segments: 1, perSegment: 70 });
    expect(smsLength(`á${'a'.repeat(70)}`)).toEqual({ encoding: 'ucs2', length: 71, segments: 2, perSegment: 67 });
  });
});
