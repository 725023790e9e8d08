import i18next from 'i18next';

/**
 * Adds a screen's words in both languages, now or once i18next starts: a module in the dashboard's
 * first chunk (the desk, the calendar's drawer) runs before i18next is initialised, and words added
 * then would be lost when it initialises.
 */
export function addWordsWhenReady(namespace: string, en: object, es: object): void {
  const add = (): void => {
    i18next.addResourceBundle('en', namespace, en, true, true);
    i18next.addResourceBundle('es', namespace, es, true, true);
  };
  if (i18next.isInitialized) add();
  else i18next.on('initialized', add);
}
