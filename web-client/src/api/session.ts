import type { AuthTokens, UserProfile } from '@natter/contracts/browser';
import { ApiError } from './errors';

export interface StoredAuth {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  user: UserProfile;
}

const KEY = 'natter.auth';
/** Refresh this long before the access token expires, so no request goes out with a dying token. */
const EARLY_MS = 60_000;

/**
 * The signed-in session: tokens in localStorage (so a reload stays signed in), silent refresh, shared by
 * every tab. Refresh tokens rotate and a reused one revokes the whole family, so two tabs must never
 * refresh with the same token: refreshes run under a Web Lock, and a tab that waited re-reads storage and
 * uses the token the other tab just got.
 */
export class Session {
  private auth: StoredAuth | null;
  private inflight: Promise<string | null> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly storage: Storage = localStorage,
    private readonly fetchFn: typeof fetch = (...a) => fetch(...a),
  ) {
    this.auth = this.read();
    if (typeof window !== 'undefined') {
      window.addEventListener('storage', (e) => {
        if (e.key !== KEY) return;
        this.auth = this.read();
        this.emit();
      });
    }
  }

  get current(): StoredAuth | null {
    return this.auth;
  }

  get user(): UserProfile | null {
    return this.auth?.user ?? null;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  signIn(tokens: AuthTokens): void {
    const { accessToken, accessTokenExpiresAt, refreshToken, refreshTokenExpiresAt, user } = tokens;
    this.write({ accessToken, accessTokenExpiresAt, refreshToken, refreshTokenExpiresAt, user });
  }

  signOut(): void {
    this.write(null);
  }

  updateUser(user: UserProfile): void {
    if (this.auth) this.write({ ...this.auth, user: { ...this.auth.user, ...user } });
  }

  /** A token good for at least a minute, refreshing first if needed; null when signed out. */
  async getAccessToken(): Promise<string | null> {
    const a = this.auth;
    if (!a) return null;
    if (Date.parse(a.accessTokenExpiresAt) - Date.now() > EARLY_MS) return a.accessToken;
    return this.refresh();
  }

  /**
   * Trade the refresh token for new tokens. Resolves null (and signs out) when the server refuses it;
   * throws ApiError('network') when it cannot be reached, leaving the session as it is.
   */
  refresh(): Promise<string | null> {
    if (!this.inflight) {
      this.inflight = this.withLock(() => this.doRefresh()).finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  private async doRefresh(): Promise<string | null> {
    const before = this.auth?.refreshToken;
    // Another tab may have refreshed while we waited for the lock.
    this.auth = this.read();
    const a = this.auth;
    if (!a) return null;
    if (a.refreshToken !== before && Date.parse(a.accessTokenExpiresAt) - Date.now() > EARLY_MS) {
      this.emit();
      return a.accessToken;
    }
    let res: Response;
    try {
      res = await this.fetchFn('/api/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: a.refreshToken }),
      });
    } catch {
      throw new ApiError(0, 'network', 'network error');
    }
    if (res.status === 401 || res.status === 403) {
      this.signOut();
      return null;
    }
    if (!res.ok) throw new ApiError(res.status, 'unavailable', `refresh failed (${res.status})`);
    const tokens = (await res.json()) as AuthTokens;
    this.signIn(tokens);
    return tokens.accessToken;
  }

  private withLock<T>(fn: () => Promise<T>): Promise<T> {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    return locks ? (locks.request('natter-refresh', fn) as Promise<T>) : fn();
  }

  private read(): StoredAuth | null {
    try {
      const raw = this.storage.getItem(KEY);
      return raw ? (JSON.parse(raw) as StoredAuth) : null;
    } catch {
      return null;
    }
  }

  private write(a: StoredAuth | null): void {
    this.auth = a;
    if (a) this.storage.setItem(KEY, JSON.stringify(a));
    else this.storage.removeItem(KEY);
    this.emit();
  }

  private emit(): void {
    for (const fn of this.listeners) fn();
  }
}
