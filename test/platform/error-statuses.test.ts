/**
 * HTTP error statuses come from one table (`src/platform/http/errors.ts`, code → status): code
 * outside it names an error code and lets the table give the status. This test reads every
 * source file of src/ and fails on a 4xx or 5xx status written as a number anywhere else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ERROR_TABLE = 'src/platform/http/errors.ts';

/** Ways a status is set on a reply or an error: `.code(404)`, `.status(401)`, `statusCode: 429`, `send(400, …)`. */
const STATUS_LITERAL = [
  /\.(?:code|status)\([^)]*\b[45]\d\d\b[^)]*\)/g,
  /\bstatusCode\s*[:=]\s*[45]\d\d\b/g,
  /\bsend\(\s*[45]\d\d\b/g,
];

export function statusLiterals(text: string): string[] {
  // Comments and the OpenAPI descriptions' prose may name statuses; code may not.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  return STATUS_LITERAL.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[0]));
}

function sourceFiles(directory: string): string[] {
  return readdirSync(join(ROOT, directory), { withFileTypes: true }).flatMap((entry) => {
    const path = `${directory}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('error statuses', () => {
  it('recognises a status written as a number', () => {
    expect(statusLiterals('return reply.code(404).send(x);')).toEqual(['.code(404)']);
    expect(statusLiterals("reply.code(ready ? 200 : 503)")).toHaveLength(1);
    expect(statusLiterals('Object.assign(error, { statusCode: 429 })')).toEqual(['statusCode: 429']);
    expect(statusLiterals("send(400, 'VALIDATION_ERROR', 'bad')")).toHaveLength(1);
    expect(statusLiterals('reply.code(201).send(ok(x)); reply.code(ERROR_STATUS[code])')).toEqual([]);
    expect(statusLiterals('// answers 404 when .code(404)\nconst a = 1;')).toEqual([]);
  });

  it('are written only in the error table', () => {
    const offenders = sourceFiles('src')
      .filter((file) => file !== ERROR_TABLE)
      .flatMap((file) => statusLiterals(readFileSync(join(ROOT, file), 'utf8')).map((literal) => `${file}: ${literal}`));
    expect(offenders).toEqual([]);
  });
});
