import { createApiClient, type ApiClient } from '@reservehub/api-client';
import { currentLanguage } from '../i18n/i18n.ts';

/**
 * The app's one API client (same origin). Public pages name the business per call
 * (`X-Tenant` from the page's slug); the dashboard will add its token callbacks here.
 */
export const api: ApiClient = createApiClient({ language: currentLanguage });
