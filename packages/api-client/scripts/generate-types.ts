/** Rewrites src/schema.d.ts from openapi.json (`npm run generate -w packages/api-client`). */
import { writeFileSync } from 'node:fs';
import { SCHEMA_TYPES_PATH, schemaTypes } from './schema-types.ts';

writeFileSync(SCHEMA_TYPES_PATH, await schemaTypes());
process.stdout.write('wrote packages/api-client/src/schema.d.ts\n');
