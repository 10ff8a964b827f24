import { useState, type FormEvent } from 'react';
import { describeError } from '../../api/errors';

/** Username/email and password. `onSubmit` rejects with an ApiError to show its message. */
export function LoginForm({ onSubmit }: { onSubmit: (login: string, password: string) => Promise<void> }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!login.trim() || !password) {
      setError('Enter your username or email and your password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSubmit(login.trim(), password);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-describedby={error ? 'login-error' : undefined}>
      <label htmlFor="login">Username or email</label>
      <input id="login" className="input" autoComplete="username" value={login} onChange={(e) => setLogin(e.target.value)} autoFocus />
      <label htmlFor="password">Password</label>
      <input id="password" className="input" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      {error && (
        <p id="login-error" className="form__error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="btn btn--primary" disabled={busy}>
        {busy ? 'Logging in…' : 'Log in'}
      </button>
    </form>
  );
}
