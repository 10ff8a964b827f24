import type { AuthTokens, UserProfile } from '@natter/contracts/browser';
import { createContext, useCallback, useContext, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import type { Api } from '../api/client';
import type { Session } from '../api/session';

interface AuthValue {
  session: Session;
  api: Api;
  user: UserProfile | null;
  signIn(tokens: AuthTokens): void;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ session, api, children }: { session: Session; api: Api; children: ReactNode }) {
  const user = useSyncExternalStore(
    (fn) => session.subscribe(fn),
    () => session.user,
  );
  const signIn = useCallback((t: AuthTokens) => session.signIn(t), [session]);
  const logout = useCallback(async () => {
    try {
      await api.logout();
    } catch {
      // Offline or already revoked: signing out locally is what matters; the refresh token expires anyway.
    }
    session.signOut();
  }, [api, session]);
  const value = useMemo(() => ({ session, api, user, signIn, logout }), [session, api, user, signIn, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

/** The API where there is one (parts that also render outside the app, e.g. in unit specs, do without). */
export function useOptionalApi(): AuthValue['api'] | null {
  return useContext(AuthContext)?.api ?? null;
}

/** The signed-in user (inside routes that require one). */
export function useMe(): UserProfile {
  const { user } = useAuth();
  if (!user) throw new Error('not signed in');
  return user;
}
