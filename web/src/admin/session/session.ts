import { createApiClient, type ApiClient } from '@reservehub/api-client';
import { currentLanguage } from '../../shared/i18n/i18n.ts';

/**
 * The signed-in person's session in the dashboard. The access token lives in memory only; the
 * refresh token in localStorage, so a reload (or a new tab) signs in again silently. The API
 * client refreshes on a 401 once (`refreshAccessToken`); when the refresh is refused (the session
 * was revoked, ended elsewhere or expired) the session ends and the sign-in page says why.
 */
const REFRESH_KEY = 'reservehub.admin.refresh';
const ENDED_KEY = 'reservehub.admin.ended';

/** Why the person is on the sign-in page without having asked to sign out. */
export type EndReason = 'expired' | 'signed_out';

export interface Tokens {
  access_token: string;
  refresh_token: string;
}

let accessToken: string | null = null;
const listeners = new Set<() => void>();

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** Calls without a session (sign-in, MFA, refresh): no token, no refresh loop. */
export const publicApi: ApiClient = createApiClient({ language: currentLanguage });

export const session = {
  accessToken: (): string | null => accessToken,
  hasRefreshToken: (): boolean => Boolean(storage()?.getItem(REFRESH_KEY)),
  signedIn: (): boolean => accessToken !== null,

  /** Keeps a new pair of tokens (sign-in, MFA step, refresh, switching business). */
  store(tokens: Tokens): void {
    accessToken = tokens.access_token;
    storage()?.setItem(REFRESH_KEY, tokens.refresh_token);
    sessionStorage.removeItem(ENDED_KEY);
    for (const listener of listeners) listener();
  },

  /** Forgets the tokens; `reason` is shown on the sign-in page. */
  end(reason: EndReason): void {
    const hadSession = accessToken !== null || session.hasRefreshToken();
    accessToken = null;
    storage()?.removeItem(REFRESH_KEY);
    if (hadSession) sessionStorage.setItem(ENDED_KEY, reason);
    for (const listener of listeners) listener();
  },

  /** The reason the last session ended, read once. */
  takeEndReason(): EndReason | null {
    const reason = sessionStorage.getItem(ENDED_KEY);
    sessionStorage.removeItem(ENDED_KEY);
    return reason === 'expired' || reason === 'signed_out' ? reason : null;
  },

  /** Rotates the refresh token for a new access token; null (and the session ended) when refused. */
  async refresh(): Promise<string | null> {
    const refreshToken = storage()?.getItem(REFRESH_KEY);
    if (!refreshToken) return null;
    try {
      const tokens = await publicApi.post('/api/v1/auth/refresh', { body: { refresh_token: refreshToken } });
      session.store(tokens);
      return tokens.access_token;
    } catch {
      session.end('expired');
      return null;
    }
  },

  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** The dashboard's client: the session's token, refreshed silently on a 401. */
export const adminApi: ApiClient = createApiClient({
  language: currentLanguage,
  accessToken: session.accessToken,
  refreshAccessToken: () => session.refresh(),
});
