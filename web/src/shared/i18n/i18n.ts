import i18next, { type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';

export const LANGUAGES = ['es', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'reservehub.language';

const isLanguage = (value: string | null | undefined): value is Language => LANGUAGES.some((language) => language === value);

/**
 * The page's `?lang=` (the widget gets its host page's language that way), else the remembered
 * choice, else the browser's first supported language, else Spanish.
 */
export function detectLanguage(): Language {
  const asked = new URLSearchParams(globalThis.location?.search ?? '').get('lang');
  if (isLanguage(asked)) return asked;
  let stored: string | null = null;
  try {
    stored = globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    // Storage can be blocked (private mode, third-party iframe): fall back to the browser.
  }
  if (isLanguage(stored)) return stored;
  for (const tag of globalThis.navigator?.languages ?? []) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'es';
}

/** Switches the language and remembers it for the next visit. */
export async function changeLanguage(language: Language): Promise<void> {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered; still switched.
  }
  await i18next.changeLanguage(language);
}

export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : 'es';
}

/** Starts i18next with the entry's resources (namespaces by feature). */
export async function startI18n(resources: Resource): Promise<void> {
  i18next.on('languageChanged', (language) => {
    document.documentElement.lang = language;
  });
  await i18next.use(initReactI18next).init({
    resources,
    lng: detectLanguage(),
    fallbackLng: 'es',
    supportedLngs: [...LANGUAGES],
    defaultNS: 'shared',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = currentLanguage();
}
