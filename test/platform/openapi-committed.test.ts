/**
 * packages/api-client/openapi.json is the contract of record (the web app's types
 * are generated from it): it must be exactly what the server generates, and pass
 * the OpenAPI lint (redocly.yaml).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SCHEMA_TYPES_PATH, schemaTypes } from '../../packages/api-client/scripts/schema-types.ts';
import { generateOpenApiDocument, OPENAPI_PATH, OPENAPI_REFRESH_COMMAND } from '../../scripts/openapi-document.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('committed OpenAPI document', () => {
  it('is what the server generates', async () => {
    const generated = await generateOpenApiDocument();
    const committed = readFileSync(OPENAPI_PATH, 'utf8');
    // Compare parsed first for a readable diff, then byte for byte (formatting included).
    expect(JSON.parse(committed), `packages/api-client/openapi.json is stale: run \`${OPENAPI_REFRESH_COMMAND}\` and commit it`).toEqual(JSON.parse(generated));
    expect(committed === generated, `packages/api-client/openapi.json is not formatted as generated: run \`${OPENAPI_REFRESH_COMMAND}\``).toBe(true);
    // Builds the whole app on a fresh in-memory database: seconds alone, much longer beside other test files.
  }, 180_000);

  it('has its generated types (packages/api-client/src/schema.d.ts) current', async () => {
    const committed = readFileSync(SCHEMA_TYPES_PATH, 'utf8');
    expect(committed === (await schemaTypes()), `packages/api-client/src/schema.d.ts is stale: run \`${OPENAPI_REFRESH_COMMAND}\``).toBe(true);
  });

  it('passes redocly lint with no errors and no warnings', () => {
    const result = spawnSync(process.execPath, [`${ROOT}node_modules/@redocly/cli/bin/cli.js`, 'lint', OPENAPI_PATH, '--format=stylish'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    });
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status, output).toBe(0);
    expect(output, output).not.toMatch(/warning/i);
  }, 60_000);
});
