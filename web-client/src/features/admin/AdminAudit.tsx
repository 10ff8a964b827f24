import type { AuditEntry } from '@natter/contracts/browser';
import { useState } from 'react';
import { describeError } from '../../api/errors';
import { useAudit } from './admin.queries';

/** The event types an admin filters the log by most (any type can be filtered: the API takes any name). */
const TYPES = [
  'UserRegistered', 'SessionStarted', 'SessionRevoked', 'UserDeactivated', 'UserReactivated', 'PasswordReset', 'ProfileUpdated', 'EmailChanged', 'EmailVerified',
  'ServerAdminGranted', 'ServerAdminRevoked', 'RegistrationChanged',
  'RoomCreated', 'RoomUpdated', 'RoomArchived', 'RoomUnarchived', 'RoomDeleted', 'MemberJoined', 'MemberLeft', 'MemberRoleChanged',
  'OwnershipTransferred', 'MemberBanned', 'MemberUnbanned', 'InviteCreated', 'InviteRevoked', 'DirectMessageStarted',
];

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

/**
 * The audit log: every event but messages, newest first, as the stream recorded it. Filter by type; click an
 * actor or a room to see only theirs; older entries page by sequence.
 */
export function AdminAudit() {
  const [type, setType] = useState('');
  const [actor, setActor] = useState<{ id: string; name: string } | null>(null);
  const [room, setRoom] = useState<string | null>(null);
  const [before, setBefore] = useState<number[]>([]);
  const page = useAudit({ type: type || undefined, actor: actor?.id, room: room ?? undefined, before: before.at(-1) });
  const reset = () => setBefore([]);
  return (
    <div>
      <div className="audit__filters">
        <label>
          Type{' '}
          <select className="input input--small" value={type} onChange={(e) => (setType(e.target.value), reset())} aria-label="Event type">
            <option value="">all</option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        {actor && (
          <button type="button" className="btn btn--small" onClick={() => (setActor(null), reset())}>
            Actor: {actor.name} ✕
          </button>
        )}
        {room && (
          <button type="button" className="btn btn--small" onClick={() => (setRoom(null), reset())}>
            Room filter ✕
          </button>
        )}
      </div>
      {page.isError && <p role="alert">{describeError(page.error)}</p>}
      <table className="audit">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {page.data?.items.map((e) => (
            <tr key={e.seq} data-testid="audit-entry" data-type={e.type}>
              <td>{when.format(new Date(e.at))}</td>
              <td>
                {e.actorId ? (
                  <button type="button" className="linklike" onClick={() => (setActor({ id: e.actorId!, name: e.actorName ?? e.actorId! }), reset())}>
                    {e.actorName ?? e.actorId}
                  </button>
                ) : (
                  <em>system</em>
                )}
              </td>
              <td>{e.type}</td>
              <td>
                <Details e={e} onRoom={(r) => (setRoom(r), reset())} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="audit__pager">
        {before.length > 0 && (
          <button type="button" className="btn btn--small" onClick={() => setBefore(before.slice(0, -1))}>
            Newer
          </button>
        )}
        {page.data?.hasMore && (
          <button type="button" className="btn btn--small" onClick={() => setBefore([...before, page.data.items.at(-1)!.seq])}>
            Older
          </button>
        )}
      </div>
    </div>
  );
}

/** Ids are shown as names (user, room) or not at all; the rest of the event's data as written. */
const isId = (k: string) => /(Id|Ids|By)$/.test(k) || k === 'from' || k === 'to';

function Details({ e, onRoom }: { e: AuditEntry; onRoom: (roomId: string) => void }) {
  const rest = Object.entries(e.data).filter(([k, v]) => !isId(k) && v !== '' && v !== null);
  return (
    <span className="audit__details">
      {e.userName && <span>{e.userName} </span>}
      {e.roomId && (
        <button type="button" className="linklike" onClick={() => onRoom(e.roomId!)}>
          {e.roomName ? `#${e.roomName}` : 'a room'}
        </button>
      )}
      {rest.map(([k, v]) => ` ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(',')}
    </span>
  );
}
