import { addWordsWhenReady } from '../i18n/add-words.ts';
import setupEn from './i18n/en.json';
import setupEs from './i18n/es.json';

// The checklist sits on the desk, in the dashboard's first chunk, which runs before i18next is initialised.
addWordsWhenReady('setup', setupEn, setupEs);
