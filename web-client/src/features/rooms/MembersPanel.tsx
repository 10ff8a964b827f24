import type { Member } from '@natter/contracts/browser';
import { describeError } from '../../api/errors';

export function MembersPanel({
  id,
  members,
  loading,
  error,
  onClose,
  online = {},
}: {
  id: string;
  members?: Member[];
  loading: boolean;
  error: unknown;
  onClose: () => void;
  /** Presence per userId (undefined: unknown). */
  online?: Record<string, boolean | undefined>;
}) {
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
      {members && (
        <ul className="members__list">
          {members.map((m) => (
            <li key={m.userId} data-testid="member">
              {online[m.userId] !== undefined && (
                <span className={`presence-dot${online[m.userId] ? ' presence-dot--online' : ''}`} role="img" aria-label={online[m.userId] ? 'online' : 'offline'} />
              )}
              <span className="members__name">{m.displayName}</span> <span className="members__user">@{m.username}</span>
              {m.role !== 'member' && <span className="badge">{m.role}</span>}
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
