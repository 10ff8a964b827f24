import { Limits } from '@natter/contracts/browser';
import { useState, type FormEvent } from 'react';
import { describeError } from '../../api/errors';
import { useAuth, useMe } from '../../app/auth';

export function ProfilePage() {
  const { api, session } = useAuth();
  const me = useMe();
  const [displayName, setDisplayName] = useState(me.displayName);
  const [state, setState] = useState<{ busy: boolean; error?: string; saved?: boolean }>({ busy: false });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const name = displayName.trim();
    if (!name) return setState({ busy: false, error: 'Display name cannot be empty.' });
    setState({ busy: true });
    try {
      const { user } = await api.updateProfile({ displayName: name });
      session.updateUser(user);
      setState({ busy: false, saved: true });
    } catch (err) {
      setState({ busy: false, error: describeError(err) });
    }
  };

  return (
    <section className="page" aria-labelledby="profile-title">
      <h1 id="profile-title">Your profile</h1>
      <dl className="profile">
        <dt>Username</dt>
        <dd>@{me.username}</dd>
        {me.email && (
          <>
            <dt>Email</dt>
            <dd>{me.email}</dd>
          </>
        )}
      </dl>
      <form className="form" onSubmit={submit}>
        <label htmlFor="display-name">Display name</label>
        <input
          id="display-name"
          className="input"
          maxLength={Limits.displayNameChars}
          value={displayName}
          onChange={(e) => {
            setDisplayName(e.target.value);
            setState({ busy: false });
          }}
        />
        {state.error && (
          <p className="form__error" role="alert">
            {state.error}
          </p>
        )}
        {state.saved && <p role="status">Saved.</p>}
        <button type="submit" className="btn btn--primary" disabled={state.busy}>
          Save
        </button>
      </form>
    </section>
  );
}
