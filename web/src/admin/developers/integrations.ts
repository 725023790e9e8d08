/** The Developers screen's pure rules (unit-tested in developers.test.ts). */

/** Whether `value` is an address a webhook can go to (the server checks the rest: public, resolvable). */
export function webhookUrlProblem(value: string): 'urlRequired' | 'urlInvalid' | null {
  const text = value.trim();
  if (!text) return 'urlRequired';
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? null : 'urlInvalid';
  } catch {
    return 'urlInvalid';
  }
}

/** What a key may be given: the creator's own permissions, never the platform's. */
export function grantable(permissions: readonly string[]): string[] {
  return permissions.filter((permission) => !permission.endsWith(':Platform')).sort();
}

/** The read-only scope: every `read:` the creator holds, except on credentials (keys, roles, the team). */
export function readOnlyScope(permissions: readonly string[]): string[] {
  return grantable(permissions).filter((permission) => permission.startsWith('read:') && !/:(ApiKey|Role|User)$/.test(permission));
}

export type WidgetMode = 'inline' | 'button';
export type WidgetLanguage = 'auto' | 'es' | 'en';

/** The line a business pastes into its site (docs/widget.md), for the product at `origin`. */
export function widgetSnippet(origin: string, business: string, mode: WidgetMode, language: WidgetLanguage): string {
  const attributes = [`src="${origin}/widget.js"`, `data-business="${business}"`];
  if (mode === 'button') attributes.push('data-mode="button"');
  if (language !== 'auto') attributes.push(`data-locale="${language}"`);
  return `<script ${attributes.join(' ')} async></script>`;
}
