import type { AdminUser } from '@natter/contracts/browser';
import { useDeferredValue, useState, type FormEvent } from 'react';
import { describeError } from '../../api/errors';
import { useAuth, useMe } from '../../app/auth';
import { useAdminAction, useAdminUsers, useUserSessions } from './admin.queries';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Users: search every account; deactivate/reactivate, server admin on/off, end sessions, set a password. */
export function AdminUsers() {
  const [q, setQ] = useState('');
  const users = useAdminUsers(useDeferredValue(q.trim()));
  return (
    <div>
      <label htmlFor="admin-user-search">Search users</label>
      <input id="admin-user-search" type="search" className="input" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name or username" />
      {users.isError && <p role="alert">{describeError(users.error)}</p>}
      <ul className="admin-list">
        {users.data?.map((u) => (
          <UserRow key={u.id} user={u} />
        ))}
      </ul>
    </div>
  );
}

function UserRow({ user: u }: { user: AdminUser }) {
  const { api } = useAuth();
  const me = useMe();
  const act = useAdminAction((a: Parameters<typeof api.adminUser>[1]) => api.adminUser(u.id, a));
  const reset = useAdminAction((password: string) => api.resetPassword(u.id, password));
  const [open, setOpen] = useState<'sessions' | 'password' | null>(null);
  const [password, setPassword] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    reset.mutate(password, { onSuccess: () => setPassword('') });
  };
  const error = act.error ?? reset.error;
  return (
    <li className="admin-row" data-testid="admin-user" data-user-id={u.id}>
      <div className="admin-row__main">
        <span className="admin-row__title">{u.displayName}</span> <span className="members__user">@{u.username}</span>
        <span className="admin-row__meta">{u.email}</span>
        {u.emailVerified ? <span className="badge badge--ok">email verified</span> : <span className="badge">email not verified</span>}
        {u.serverAdmin && <span className="badge">server admin</span>}
        {u.deactivated && <span className="badge badge--danger">deactivated</span>}
      </div>
      <div className="admin-row__actions">
        {u.id !== me.id &&
          (u.deactivated ? (
            <button type="button" className="btn btn--small" onClick={() => act.mutate('reactivate')}>
              Reactivate
            </button>
          ) : (
            <button type="button" className="btn btn--small btn--danger" onClick={() => window.confirm(`Deactivate ${u.displayName}? They are signed out everywhere at once.`) && act.mutate('deactivate')}>
              Deactivate
            </button>
          ))}
        <button type="button" className="btn btn--small" onClick={() => act.mutate(u.serverAdmin ? 'revoke-admin' : 'grant-admin')}>
          {u.serverAdmin ? 'Remove admin' : 'Make admin'}
        </button>
        <button type="button" className="btn btn--small" onClick={() => act.mutate('logout')}>
          Log out everywhere
        </button>
        <button type="button" className="btn btn--small" aria-expanded={open === 'password'} onClick={() => setOpen(open === 'password' ? null : 'password')}>
          Reset password
        </button>
        <button type="button" className="btn btn--small" aria-expanded={open === 'sessions'} onClick={() => setOpen(open === 'sessions' ? null : 'sessions')}>
          Sessions
        </button>
      </div>
      {error && <p className="notice notice--error" role="alert">{describeError(error)}</p>}
      {open === 'password' && (
        <form className="admin-row__form" onSubmit={submit}>
          <label htmlFor={`pw-${u.id}`}>New password for {u.displayName}</label>
          <input id={`pw-${u.id}`} className="input" type="password" autoComplete="new-password" minLength={8} value={password} onChange={(e) => setPassword(e.target.value)} />
          <button type="submit" className="btn btn--small btn--primary" disabled={password.length < 8 || reset.isPending}>
            Set password
          </button>
          {reset.isSuccess && <p role="status">Password set; their sessions were ended.</p>}
        </form>
      )}
      {open === 'sessions' && <Sessions userId={u.id} />}
    </li>
  );
}

function Sessions({ userId }: { userId: string }) {
  const sessions = useUserSessions(userId);
  if (sessions.isPending) return <p role="status">Loading sessions…</p>;
  if (sessions.isError) return <p role="alert">{describeError(sessions.error)}</p>;
  if (sessions.data.length === 0) return <p>No sessions recorded.</p>;
  return (
    <ul className="admin-sublist" aria-label="Sessions">
      {sessions.data.map((s) => (
        <li key={s.id}>
          Signed in {when.format(new Date(s.startedAt))} ·{' '}
          {s.revokedAt ? `ended ${when.format(new Date(s.revokedAt))} (${s.revokeReason})` : <strong>active</strong>}
        </li>
      ))}
    </ul>
  );
}
