import { useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { describeError } from '../../api/errors';
import { useAuth } from '../../app/auth';
import { AuthShell } from './AuthPages';
import { linkToken } from './PasswordResetPages';

/**
 * The page a verification link opens. It confirms at once (the link is the whole proof; no sign-in needed,
 * it may be opened on another device) and, when this browser is signed in, refreshes the profile it shows.
 */
export function VerifyEmailPage() {
  const { api, session, user } = useAuth();
  const token = linkToken(useLocation().hash);
  const [state, setState] = useState<{ done?: string; error?: string }>({});
  const asked = useRef(false); // once, even under StrictMode's double effects: a second try would be link_used
  useEffect(() => {
    if (asked.current || !token) return;
    asked.current = true;
    api.verifyEmail(token).then(
      async ({ email }) => {
        setState({ done: email });
        if (session.user) await api.me().then(({ user: me }) => session.updateUser(me), () => {});
      },
      (err) => setState({ error: describeError(err) }),
    );
  }, [api, session, token]);
  return (
    <AuthShell title="Confirm your email" footer={<Link to={user ? '/profile' : '/login'}>{user ? 'Back to your profile' : 'Log in'}</Link>}>
      {!token && <p className="notice notice--error" role="alert">This page needs the link from your verification mail.</p>}
      {token && !state.done && !state.error && <p role="status">Confirming…</p>}
      {state.done && (
        <p className="notice" role="status">
          <strong>{state.done}</strong> is confirmed. Thank you.
        </p>
      )}
      {state.error && <p className="notice notice--error" role="alert">{state.error} {user && 'You can ask for a new link on your profile.'}</p>}
    </AuthShell>
  );
}
