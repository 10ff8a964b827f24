import type { UserProfile } from '@natter/contracts/browser';
import { useState, type FormEvent } from 'react';
import { describeError } from '../../api/errors';
import { useAuth } from '../../app/auth';

/**
 * Your address on the profile page: whether it is verified (EmailVerified), a new verification link on
 * request, and a change of address (your password needed; the new address gets a link, the old one a notice).
 */
export function EmailSettings({ email, verified, onChanged }: { email: string; verified: boolean; onChanged: (user: UserProfile) => void }) {
  const { api } = useAuth();
  const [resend, setResend] = useState<{ busy: boolean; sent?: boolean; error?: string }>({ busy: false });
  const [change, setChange] = useState<{ open: boolean; email: string; password: string; busy: boolean; error?: string; done?: string }>({ open: false, email: '', password: '', busy: false });

  const askAgain = async () => {
    setResend({ busy: true });
    try {
      await api.resendVerification();
      setResend({ busy: false, sent: true });
    } catch (err) {
      setResend({ busy: false, error: describeError(err) });
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setChange({ ...change, busy: true, error: undefined });
    try {
      const { user } = await api.changeEmail(change.email.trim(), change.password);
      onChanged(user);
      setChange({ open: false, email: '', password: '', busy: false, done: user.email });
    } catch (err) {
      setChange({ ...change, busy: false, error: describeError(err) });
    }
  };

  return (
    <div className="email-settings" data-testid="email-settings">
      <p>
        {email}{' '}
        {verified ? <span className="badge badge--ok">verified</span> : <span className="badge badge--danger">not verified</span>}
      </p>
      {!verified && (
        <p>
          {resend.sent ? (
            <span role="status">A new link is on its way to {email}.</span>
          ) : (
            <button type="button" className="btn btn--small" onClick={askAgain} disabled={resend.busy}>
              Send the verification link again
            </button>
          )}
          {resend.error && <span className="form__error" role="alert"> {resend.error}</span>}
        </p>
      )}
      {change.done && <p role="status">Changed. We sent a verification link to {change.done}.</p>}
      {change.open ? (
        <form className="form" onSubmit={submit} noValidate>
          <label htmlFor="new-email">New email</label>
          <input id="new-email" className="input" type="email" autoComplete="email" value={change.email} onChange={(e) => setChange({ ...change, email: e.target.value })} />
          <label htmlFor="email-password">Your password</label>
          <input id="email-password" className="input" type="password" autoComplete="current-password" value={change.password} onChange={(e) => setChange({ ...change, password: e.target.value })} />
          {change.error && <p className="form__error" role="alert">{change.error}</p>}
          <button type="submit" className="btn btn--primary" disabled={change.busy || !change.email.trim() || !change.password}>
            Change email
          </button>
        </form>
      ) : (
        <button type="button" className="btn btn--small" onClick={() => setChange({ ...change, open: true, done: undefined })}>
          Change email
        </button>
      )}
    </div>
  );
}
