/** The languages customer-facing messages are written in. */
export type MessageLanguage = 'es' | 'en';

/** The browser's first language (`Accept-Language`) when messages are written in it, else undefined. */
export function browserLanguage(header: string | undefined): MessageLanguage | undefined {
  const primary = header?.split(',')[0]?.trim().slice(0, 2).toLowerCase();
  return primary === 'es' || primary === 'en' ? primary : undefined;
}
