import type { Room } from '@natter/contracts/browser';
import { useDeferredValue, useState } from 'react';
import { describeError } from '../../api/errors';
import { useAuth } from '../../app/auth';
import { useAdminAction, useAdminRoomMembers, useAdminRooms } from './admin.queries';
import { roomName } from '../rooms/room-name';

/** Rooms (not direct messages): members, archive/unarchive, delete. */
export function AdminRooms() {
  const [q, setQ] = useState('');
  const rooms = useAdminRooms(useDeferredValue(q.trim()));
  return (
    <div>
      <label htmlFor="admin-room-search">Search rooms</label>
      <input id="admin-room-search" type="search" className="input" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Room name" />
      {rooms.isError && <p role="alert">{describeError(rooms.error)}</p>}
      <ul className="admin-list">
        {rooms.data?.map((r) => (
          <RoomRow key={r.id} room={r} />
        ))}
      </ul>
    </div>
  );
}

function RoomRow({ room: r }: { room: Room }) {
  const { api } = useAuth();
  const [members, setMembers] = useState(false);
  const archive = useAdminAction((archived: boolean) => api.archiveRoom(r.id, archived));
  const remove = useAdminAction(() => api.deleteRoom(r.id));
  const error = archive.error ?? remove.error;
  return (
    <li className="admin-row" data-testid="admin-room" data-room-id={r.id}>
      <div className="admin-row__main">
        <span className="admin-row__title">{roomName(r.name, r.visibility)}</span>
        <span className="admin-row__meta">
          {r.visibility} · {r.memberCount} {r.memberCount === 1 ? 'member' : 'members'}
        </span>
        {r.archived && <span className="badge">archived</span>}
      </div>
      <div className="admin-row__actions">
        <button type="button" className="btn btn--small" aria-expanded={members} onClick={() => setMembers(!members)}>
          Members
        </button>
        <button type="button" className="btn btn--small" onClick={() => archive.mutate(!r.archived)}>
          {r.archived ? 'Unarchive' : 'Archive'}
        </button>
        <button type="button" className="btn btn--small btn--danger" onClick={() => window.confirm(`Delete #${r.name} for everyone?`) && remove.mutate(undefined)}>
          Delete
        </button>
      </div>
      {error && <p className="notice notice--error" role="alert">{describeError(error)}</p>}
      {members && <Members roomId={r.id} />}
    </li>
  );
}

function Members({ roomId }: { roomId: string }) {
  const members = useAdminRoomMembers(roomId);
  if (members.isPending) return <p role="status">Loading members…</p>;
  if (members.isError) return <p role="alert">{describeError(members.error)}</p>;
  return (
    <ul className="admin-sublist" aria-label="Members">
      {members.data.map((m) => (
        <li key={m.userId}>
          {m.displayName} <span className="members__user">@{m.username}</span> {m.role !== 'member' && <span className="badge">{m.role}</span>}
        </li>
      ))}
    </ul>
  );
}
