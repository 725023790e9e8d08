/** Writes the server's OpenAPI document to packages/api-client/openapi.json (`npm run openapi:export`). */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { generateOpenApiDocument, OPENAPI_PATH } from './openapi-document.ts';

const document = await generateOpenApiDocument();
writeFileSync(OPENAPI_PATH, document);
process.stdout.write(`wrote ${relative(process.cwd(), OPENAPI_PATH)} (${document.length} bytes)\n`);
