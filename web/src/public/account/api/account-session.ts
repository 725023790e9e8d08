import { useSyncExternalStore } from 'react';
import { ApiError, createApiClient, type ApiClient } from '@reservehub/api-client';
import { currentLanguage } from '../../../shared/i18n/i18n.ts';
import { api } from '../../../shared/api/api-client.ts';

/**
 * A customer's session on one business's booking page: accounts are per business, so the tokens
 * are kept per slug (localStorage, so a reload stays signed in). The access token is short-lived;
 * a 401 refreshes it once through POST /auth/refresh (rotation), and a refused refresh signs out.
 */
export interface AccountSession {
  accessToken: string;
  refreshToken: string;
  /** Shown in the header ("Lucía"), refreshed from GET /me. */
  firstName: string;
}

const storageKey = (slug: string) => `reservehub.account.${slug}`;
const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of listeners) listener();
};

function readRaw(slug: string): string | null {
  try {
    return globalThis.localStorage?.getItem(storageKey(slug)) ?? null;
  } catch {
    return null;
  }
}

function parse(raw: string | null): AccountSession | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<AccountSession>;
    return typeof value.accessToken === 'string' && typeof value.refreshToken === 'string'
      ? { accessToken: value.accessToken, refreshToken: value.refreshToken, firstName: typeof value.firstName === 'string' ? value.firstName : '' }
      : null;
  } catch {
    return null;
  }
}

export function readSession(slug: string): AccountSession | null {
  return parse(readRaw(slug));
}

export function saveSession(slug: string, session: AccountSession): void {
  try {
    globalThis.localStorage?.setItem(storageKey(slug), JSON.stringify(session));
  } catch {
    // Storage blocked: the session lasts as long as nothing needs a reload.
  }
  memory.set(slug, session);
  notify();
}

export function clearSession(slug: string): void {
  try {
    globalThis.localStorage?.removeItem(storageKey(slug));
  } catch {
    // Nothing stored.
  }
  memory.delete(slug);
  notify();
}

/** Where storage is blocked (private mode), the session lives in memory for the page's life. */
const memory = new Map<string, AccountSession>();
const current = (slug: string) => readSession(slug) ?? memory.get(slug) ?? null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab signing in or out of the same business.
  const onStorage = (event: StorageEvent) => {
    if (event.key?.startsWith('reservehub.account.')) listener();
  };
  globalThis.addEventListener?.('storage', onStorage);
  return () => {
    listeners.delete(listener);
    globalThis.removeEventListener?.('storage', onStorage);
  };
}

/** The signed-in customer's session at this business, or null; re-renders on sign-in and sign-out. */
export function useAccountSession(slug: string): AccountSession | null {
  const raw = useSyncExternalStore(subscribe, () => readRaw(slug) ?? (memory.has(slug) ? JSON.stringify(memory.get(slug)) : null));
  return parse(raw);
}

const clients = new Map<string, ApiClient>();

/** The API client of the customer signed in at `slug` (token, refresh, X-Tenant of that business). */
export function accountApi(slug: string): ApiClient {
  let client = clients.get(slug);
  if (!client) {
    client = createApiClient({
      language: currentLanguage,
      tenant: () => slug,
      accessToken: () => current(slug)?.accessToken,
      refreshAccessToken: async () => {
        const session = current(slug);
        if (!session) return null;
        try {
          const tokens = await api.post('/api/v1/auth/refresh', { body: { refresh_token: session.refreshToken } });
          saveSession(slug, { ...session, accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
          return tokens.access_token;
        } catch (error) {
          // Refused (revoked, expired, reused): signed out. Unreachable: keep it for the next try.
          if (error instanceof ApiError && error.status >= 400 && error.status < 500) clearSession(slug);
          return null;
        }
      },
    });
    clients.set(slug, client);
  }
  return client;
}

/** Ends the session on the server (best effort) and forgets it here. */
export async function signOut(slug: string): Promise<void> {
  if (current(slug)) {
    try {
      await accountApi(slug).post('/api/v1/auth/logout');
    } catch {
      // Already ended or unreachable: forgetting the tokens signs out this browser anyway.
    }
  }
  clearSession(slug);
}
