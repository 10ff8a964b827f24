import { Limits } from '@natter/contracts/browser';
import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { describeError } from '../../api/errors';
import { useAuth } from '../../app/auth';
import { AuthShell } from './AuthPages';

/** The token of a mailed link: `#token=<token>` (the fragment never reaches a server or its logs). */
export function linkToken(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? '';
}

/**
 * "Forgot password": a username or email; the server mails a reset link if there is an account. The page
 * says the same either way, as the server does, so it tells nobody whether an account exists.
 */
export function ForgotPasswordPage() {
  const { api } = useAuth();
  const [login, setLogin] = useState('');
  const [state, setState] = useState<{ busy: boolean; sent?: boolean; error?: string }>({ busy: false });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!login.trim()) return setState({ busy: false, error: 'Enter your username or email.' });
    setState({ busy: true });
    try {
      await api.requestPasswordReset(login.trim());
      setState({ busy: false, sent: true });
    } catch (err) {
      setState({ busy: false, error: describeError(err) });
    }
  };
  return (
    <AuthShell title="Reset your password" footer={<>Remembered it? <Link to="/login">Log in</Link></>}>
      {state.sent ? (
        <p className="notice" role="status">
          If an account matches <strong>{login.trim()}</strong>, we have sent a link to its email address. It works once, for an hour.
        </p>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <label htmlFor="reset-login">Username or email</label>
          <input id="reset-login" className="input" autoComplete="username" value={login} onChange={(e) => setLogin(e.target.value)} autoFocus />
          {state.error && <p className="form__error" role="alert">{state.error}</p>}
          <button type="submit" className="btn btn--primary" disabled={state.busy}>
            {state.busy ? 'Sending…' : 'Send me a reset link'}
          </button>
        </form>
      )}
    </AuthShell>
  );
}

/**
 * The page a reset link opens: a new password (twice). Success ends every session, this browser's too, so
 * a signed-in user here is signed out locally, and the way on is the login page.
 */
export function ResetPasswordPage() {
  const { api, session } = useAuth();
  const token = linkToken(useLocation().hash);
  const [pw, setPw] = useState({ password: '', again: '' });
  const [state, setState] = useState<{ busy: boolean; done?: boolean; error?: string }>({ busy: false });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (pw.password.length < Limits.passwordMinChars) return setState({ busy: false, error: `Use at least ${Limits.passwordMinChars} characters.` });
    if (pw.password !== pw.again) return setState({ busy: false, error: 'The two passwords differ.' });
    setState({ busy: true });
    try {
      await api.completePasswordReset(token, pw.password);
      if (session.user) session.signOut();
      setState({ busy: false, done: true });
    } catch (err) {
      setState({ busy: false, error: describeError(err) });
    }
  };
  if (!token) {
    return (
      <AuthShell title="Choose a new password" footer={<Link to="/forgot-password">Ask for a reset link</Link>}>
        <p className="notice notice--error" role="alert">This page needs the link from your reset mail. Open the link from the mail, or ask for a new one.</p>
      </AuthShell>
    );
  }
  return (
    <AuthShell title="Choose a new password" footer={<Link to="/forgot-password">Ask for a new link</Link>}>
      {state.done ? (
        <p className="notice" role="status">
          Your password is changed, and you are signed out everywhere. <Link to="/login">Log in</Link> with the new one.
        </p>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <label htmlFor="new-password">New password</label>
          <input id="new-password" className="input" type="password" autoComplete="new-password" value={pw.password} onChange={(e) => setPw({ ...pw, password: e.target.value })} autoFocus />
          <label htmlFor="new-password-again">New password again</label>
          <input id="new-password-again" className="input" type="password" autoComplete="new-password" value={pw.again} onChange={(e) => setPw({ ...pw, again: e.target.value })} />
          {state.error && <p className="form__error" role="alert">{state.error}</p>}
          <button type="submit" className="btn btn--primary" disabled={state.busy}>
            {state.busy ? 'Saving…' : 'Set new password'}
          </button>
        </form>
      )}
    </AuthShell>
  );
}
