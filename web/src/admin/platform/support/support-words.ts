import i18next from 'i18next';
import supportEn from './i18n/en.json';
import supportEs from './i18n/es.json';

// The support tools' words load with the business page's chunk, in a namespace of their own.
i18next.addResourceBundle('en', 'support', supportEn, true, true);
i18next.addResourceBundle('es', 'support', supportEs, true, true);

export const SUPPORT_NAMESPACES = ['support', 'admin'] as const;
