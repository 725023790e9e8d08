export { createApiClient, type ApiClient, type ApiClientOptions, type EnvelopeData } from './client.ts';
export { ApiError, isErrorEnvelope, type ClientErrorCode, type ErrorEnvelope } from './api-error.ts';
export type { paths, components, operations } from './schema.js';

import type { components } from './schema.js';
/** A named component schema of the API (`Schema<'ErrorEnvelope'>`). */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];
