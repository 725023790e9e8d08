import { ApiError, createApiClient, type ApiClient } from '@reservehub/api-client';
import { currentLanguage } from '../../shared/i18n/i18n.ts';

/**
 * The signed-in person's session in the dashboard. The access token lives in memory only; the
 * refresh token in localStorage, so a reload (or a new tab) signs in again silently; a tab opened
 * for a support impersonation keeps that session in its own sessionStorage instead. The API
 * client refreshes on a 401 once (`refreshAccessToken`); when the refresh is refused (the session
 * was revoked, ended elsewhere or expired) the session ends and the sign-in page says why.
 */
const REFRESH_KEY = 'reservehub.admin.refresh';
const ENDED_KEY = 'reservehub.admin.ended';
/** Marks a tab that holds a support impersonation: its session lives in that tab only (sessionStorage). */
const TAB_KEY = 'reservehub.admin.tab';
/** Where the console leaves an impersonation's tokens for the tab it opens, read once (`takeHandoff`). */
const HANDOFF_PREFIX = 'reservehub.admin.handoff.';

/** Why the person is on the sign-in page without having asked to sign out. */
export type EndReason = 'expired' | 'signed_out';

export interface Tokens {
  access_token: string;
  refresh_token: string;
}

let accessToken: string | null = null;
const listeners = new Set<() => void>();

/** The tab's own session store when it holds an impersonation, else the browser's (shared by the person's tabs). */
function storage(): Storage | null {
  try {
    if (globalThis.sessionStorage?.getItem(TAB_KEY) === 'impersonation') return globalThis.sessionStorage;
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export interface ImpersonationTab {
  /** When the impersonation ends (ISO 8601), for the banner. */
  endsAt: string;
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
    // An impersonation tab goes back to being an ordinary tab.
    sessionStorage.removeItem(TAB_KEY);
    sessionStorage.removeItem(`${TAB_KEY}.ends`);
    if (hadSession) sessionStorage.setItem(ENDED_KEY, reason);
    for (const listener of listeners) listener();
  },

  /** The reason the last session ended, read once. */
  takeEndReason(): EndReason | null {
    const reason = sessionStorage.getItem(ENDED_KEY);
    sessionStorage.removeItem(ENDED_KEY);
    return reason === 'expired' || reason === 'signed_out' ? reason : null;
  },

  /**
   * Rotates the refresh token for a new access token; null (and the session ended) when refused.
   * When the server cannot be reached (offline, the installed app opened without a network) the
   * session is kept, not ended: null, and `awaitingServer()` says so until a later refresh succeeds.
   */
  async refresh(): Promise<string | null> {
    const refreshToken = storage()?.getItem(REFRESH_KEY);
    if (!refreshToken) return null;
    try {
      const tokens = await publicApi.post('/api/v1/auth/refresh', { body: { refresh_token: refreshToken } });
      session.store(tokens);
      return tokens.access_token;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'NETWORK_ERROR') return null;
      session.end('expired');
      return null;
    }
  },

  /** A session is kept (refresh token) but not resumed (no access token): the server could not be reached. */
  awaitingServer: (): boolean => accessToken === null && session.hasRefreshToken(),

  /**
   * Leaves an impersonation's tokens for a new tab (same origin) and returns the key to pass it:
   * the platform administrator's own session, in this tab and its localStorage, is not touched.
   */
  handOff(tokens: Tokens & { session_expires_at: string }): string {
    const key = crypto.randomUUID();
    globalThis.localStorage.setItem(HANDOFF_PREFIX + key, JSON.stringify({ refresh_token: tokens.refresh_token, access_token: tokens.access_token, ends_at: tokens.session_expires_at }));
    return key;
  },

  /** In the tab the console opened: takes the tokens left under `key` (once) and makes this tab hold that session only. */
  takeHandoff(key: string): boolean {
    const raw = globalThis.localStorage.getItem(HANDOFF_PREFIX + key);
    globalThis.localStorage.removeItem(HANDOFF_PREFIX + key);
    if (!raw) return false;
    const handed = JSON.parse(raw) as { refresh_token: string; access_token: string; ends_at: string };
    sessionStorage.setItem(TAB_KEY, 'impersonation');
    sessionStorage.setItem(`${TAB_KEY}.ends`, handed.ends_at);
    session.store({ access_token: handed.access_token, refresh_token: handed.refresh_token });
    return true;
  },

  /** This tab's impersonation, when it holds one. */
  impersonation(): ImpersonationTab | null {
    if (sessionStorage.getItem(TAB_KEY) !== 'impersonation') return null;
    return { endsAt: sessionStorage.getItem(`${TAB_KEY}.ends`) ?? '' };
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
