import { outranks, roleAtLeast, type Member, type Role } from '@natter/contracts/browser';
import { useState } from 'react';
import { Link } from 'react-router';
import { describeError } from '../../api/errors';
import { Avatar } from '../people/Avatar';
import { PeoplePicker } from '../people/PeoplePicker';
import { useBans, useRoomModeration } from './moderation.queries';

/**
 * The members of a room, with presence. For the room's staff, by role: owners and admins add people (the
 * directory), set roles; moderators and up kick and ban members of a lower role and lift bans; the owner
 * hands the room on. Direct messages have fixed membership: names and presence only.
 */
export function MembersPanel({
  id,
  roomId,
  members,
  loading,
  error,
  onClose,
  online = {},
  myRole,
  me,
  fixed = false,
}: {
  id: string;
  roomId: string;
  members?: Member[];
  loading: boolean;
  error: unknown;
  onClose: () => void;
  /** Presence per userId (undefined: unknown). */
  online?: Record<string, boolean | undefined>;
  /** My role in the room (undefined: not a member). */
  myRole?: Role;
  me: string;
  /** A direct message: no management. */
  fixed?: boolean;
}) {
  const mod = useRoomModeration(roomId);
  const canManage = !fixed && roleAtLeast(myRole, 'admin');
  const canModerate = !fixed && roleAtLeast(myRole, 'moderator');
  const bans = useBans(roomId, canModerate);
  const [adding, setAdding] = useState(false);
  const failure = Object.values(mod).find((x) => x.isError)?.error;

  return (
    <aside id={id} className="members" aria-labelledby={`${id}-title`}>
      <div className="members__head">
        <h2 id={`${id}-title`}>Members</h2>
        <button type="button" className="btn btn--ghost btn--small" onClick={onClose}>
          Close
        </button>
      </div>
      {loading && <p role="status">Loading members…</p>}
      {error ? <p role="alert">{describeError(error)}</p> : null}
      {failure ? <p className="notice notice--error" role="alert">{describeError(failure)}</p> : null}
      {canManage && (
        <div className="members__add">
          {adding ? (
            <PeoplePicker
              label="Add people"
              autoFocus
              exclude={members?.map((m) => m.userId) ?? []}
              action={(p) => (
                <button type="button" className="btn btn--small btn--primary" aria-label={`Add ${p.displayName}`} disabled={mod.add.isPending} onClick={() => mod.add.mutate(p.id)}>
                  Add
                </button>
              )}
            />
          ) : (
            <button type="button" className="btn btn--small" onClick={() => setAdding(true)}>
              Add people
            </button>
          )}
        </div>
      )}
      {members && (
        <ul className="members__list">
          {members.map((m) => (
            <li key={m.userId} data-testid="member" data-user-id={m.userId}>
              <div className="members__who">
                <Avatar id={m.userId} name={m.displayName} size={28} />
                {online[m.userId] !== undefined && (
                  <span className={`presence-dot${online[m.userId] ? ' presence-dot--online' : ''}`} role="img" aria-label={online[m.userId] ? 'online' : 'offline'} />
                )}
                <Link className="members__name" to={`/users/${m.userId}`}>
                  {m.displayName}
                </Link>{' '}
                <span className="members__user">@{m.username}</span>
                {m.role !== 'member' && <span className="badge">{m.role}</span>}
              </div>
              {m.userId !== me && <MemberActions member={m} myRole={myRole} mod={mod} fixed={fixed} />}
            </li>
          ))}
        </ul>
      )}
      {canModerate && bans.data && bans.data.length > 0 && (
        <>
          <h3 className="members__subhead">Banned</h3>
          <ul className="members__list">
            {bans.data.map((b) => (
              <li key={b.userId} data-testid="banned">
                <div className="members__who">
                  <span className="members__name">{b.displayName}</span> <span className="members__user">@{b.username}</span>
                </div>
                <div className="members__actions">
                  <button type="button" className="btn btn--small" aria-label={`Unban ${b.displayName}`} onClick={() => mod.unban.mutate(b.userId)}>
                    Unban
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}

/** What I may do to one member: only to lower roles, only what my role allows. */
function MemberActions({ member: m, myRole, mod, fixed }: { member: Member; myRole?: Role; mod: ReturnType<typeof useRoomModeration>; fixed: boolean }) {
  if (fixed || !roleAtLeast(myRole, 'moderator') || !outranks(myRole, m.role)) return null;
  const roles = myRole === 'owner' ? (['admin', 'moderator', 'member'] as const) : (['moderator', 'member'] as const);
  return (
    <div className="members__actions">
      {roleAtLeast(myRole, 'admin') && (
        <select className="input input--small" aria-label={`Role of ${m.displayName}`} value={m.role} onChange={(e) => mod.setRole.mutate({ userId: m.userId, role: e.target.value as (typeof roles)[number] })}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      )}
      <button type="button" className="btn btn--small" aria-label={`Remove ${m.displayName}`} onClick={() => mod.kick.mutate(m.userId)}>
        Remove
      </button>
      <button type="button" className="btn btn--small btn--danger" aria-label={`Ban ${m.displayName}`} onClick={() => mod.ban.mutate(m.userId)}>
        Ban
      </button>
      {myRole === 'owner' && (
        <button
          type="button"
          className="btn btn--small"
          aria-label={`Make ${m.displayName} the owner`}
          onClick={() => window.confirm(`Hand the room to ${m.displayName}? You will become an admin.`) && mod.transfer.mutate(m.userId)}
        >
          Make owner
        </button>
      )}
    </div>
  );
}
