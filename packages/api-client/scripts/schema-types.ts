/**
 * TypeScript types of the API (`src/schema.d.ts`) from the OpenAPI document, with
 * openapi-typescript's defaults. The root's `npm run openapi:export` writes them
 * next to the document; a test keeps both current.
 */
import { readFileSync } from 'node:fs';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';

export const SCHEMA_TYPES_PATH = new URL('../src/schema.d.ts', import.meta.url);
export const OPENAPI_DOCUMENT_PATH = new URL('../openapi.json', import.meta.url);

export async function schemaTypes(documentJson: string = readFileSync(OPENAPI_DOCUMENT_PATH, 'utf8')): Promise<string> {
  // Parsed here: openapi-typescript would otherwise read it as a path or URL.
  const ast = await openapiTS(JSON.parse(documentJson) as Parameters<typeof openapiTS>[0]);
  return `${COMMENT_HEADER}${astToString(ast)}`;
}
