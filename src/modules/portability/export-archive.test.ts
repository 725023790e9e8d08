import { strFromU8, unzipSync } from 'fflate';
import { expect, it } from 'vitest';
import { DATA_CLASSES } from './business-data.ts';
import { buildArchive, toCsv, toJsonLines } from './export-archive.ts';

it('quotes every cell, defuses text that a spreadsheet would run as a formula, and leaves negative amounts numbers', () => {
  const csv = toCsv(['name', 'total', 'at', 'lines'], [{ name: '=HYPERLINK("x")', total: -1210, at: new Date('2026-03-01T10:00:00Z'), lines: [{ a: 1 }] }]);
  expect(csv).toBe('\uFEFF"name","total","at","lines"\r\n"\'=HYPERLINK(""x"")","-1210","2026-03-01T10:00:00.000Z","[{""a"":1}]"\r\n');
});

it('writes exactly the class columns as JSON Lines, absent ones as null, nothing else', () => {
  expect(toJsonLines(['id', 'note'], [{ id: 'a', secret: 'never' }])).toBe('{"id":"a","note":null}\n');
  expect(toJsonLines(['id'], [])).toBe('');
});

it('zips a CSV and a JSON Lines file for every data class and a README in the language asked', () => {
  const { archive, counts } = buildArchive(new Map([['locations', [{ id: 'l1', name: 'Centro' }]]]), { language: 'en', businessName: 'Salon', generatedAt: new Date('2026-03-01T10:00:00Z') });
  const files = unzipSync(archive);
  expect(Object.keys(files).sort()).toEqual([...DATA_CLASSES.flatMap((data) => [`${data.name}.csv`, `${data.name}.jsonl`]), 'README.txt'].sort());
  expect(counts.locations).toBe(1);
  expect(counts.customers).toBe(0);
  const readme = strFromU8(files['README.txt'] ?? new Uint8Array());
  expect(readme).toMatch(/^Complete export of Salon's data in ReserveHub, generated on 2026-03-01 10:00 \(UTC\)\./);
  expect(readme).toContain('- locations.csv / locations.jsonl (rows: 1): The locations, with their time zone.');
});
