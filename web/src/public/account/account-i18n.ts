import i18next from 'i18next';
import en from './i18n/en.json';
import es from './i18n/es.json';

// The account's words load with its code (on demand), not with every guest's booking page.
i18next.addResourceBundle('es', 'account', es, true, true);
i18next.addResourceBundle('en', 'account', en, true, true);
