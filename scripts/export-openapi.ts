/**
 * Writes the server's OpenAPI document to packages/api-client/openapi.json and the
 * types generated from it to packages/api-client/src/schema.d.ts (`npm run openapi:export`).
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEMA_TYPES_PATH, schemaTypes } from '../packages/api-client/scripts/schema-types.ts';
import { generateOpenApiDocument, OPENAPI_PATH } from './openapi-document.ts';

const document = await generateOpenApiDocument();
writeFileSync(OPENAPI_PATH, document);
writeFileSync(SCHEMA_TYPES_PATH, await schemaTypes(document));
for (const path of [OPENAPI_PATH, fileURLToPath(SCHEMA_TYPES_PATH)]) process.stdout.write(`wrote ${relative(process.cwd(), path)}\n`);
