import i18next from 'i18next';
import activityEn from './i18n/en.json';
import activityEs from './i18n/es.json';

// The business page's people, payments and errors: words in a namespace of their own, loaded with the page's chunk.
i18next.addResourceBundle('en', 'activity', activityEn, true, true);
i18next.addResourceBundle('es', 'activity', activityEs, true, true);

export const ACTIVITY_NAMESPACES = ['activity', 'admin'] as const;
