import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createInstantFormatter } from './instant-formatter.ts';
import { formatInstant } from './slot-engine.ts';

const zones = Intl.supportedValuesOf('timeZone');

describe('createInstantFormatter', () => {
  it('prints what formatInstant prints in every zone, transitions included', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones, 'UTC'),
        // 1900–2100 plus the second-level noise formatInstant truncates.
        fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }),
        (zone, epochMs) => {
          const format = createInstantFormatter(zone);
          expect(format(epochMs)).toBe(formatInstant(epochMs, zone));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('agrees around the 2026 transitions of DST zones, minute by minute', () => {
    for (const zone of ['Europe/Madrid', 'America/Santiago', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Sao_Paulo']) {
      const format = createInstantFormatter(zone);
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 37 * 60_000 + 13_000) {
        const expected = formatInstant(t, zone);
        if (format(t) !== expected) expect.fail(`${zone} ${new Date(t).toISOString()}: ${format(t)} != ${expected}`);
      }
    }
  });
});
