import { NavLink } from 'react-router';
import { LockIcon } from '../../app/icons';
import { useMyRooms } from '../../app/queries';
import { useRealtime, useTimelinesVersion, useUnread } from '../../app/realtime';
import { UnreadBadge, unreadClasses } from './UnreadBadge';

export interface RoomListEntry {
  id: string;
  name: string;
  visibility: 'public' | 'private';
  /** Unread messages (exact: GET /api/me/rooms plus live events) and how many of them mention me. */
  unread: number;
  mentions: number;
}

/** The list of rooms (presentational). An unread room is bold with its count; mentions are highlighted; both are said to screen readers. */
export function RoomListView({ rooms }: { rooms: RoomListEntry[] }) {
  if (rooms.length === 0) return <p className="sidebar__empty">You are not in any room yet.</p>;
  return (
    <ul className="room-list">
      {rooms.map((r) => (
        <li key={r.id}>
          <NavLink
            to={`/rooms/${r.id}`}
            className={({ isActive }) => `room-link${isActive ? ' room-link--active' : ''}${unreadClasses(r.unread, r.mentions)}`}
            data-testid="room-link"
            data-room-id={r.id}
            data-unread={r.unread}
            data-mentions={r.mentions}
          >
            <span aria-hidden="true" className="room-link__hash">
              {r.visibility === 'private' ? <LockIcon /> : '#'}
            </span>
            <span className="room-link__name">{r.name}</span>{' '}
            <UnreadBadge unread={r.unread} mentions={r.mentions} />
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

/** My rooms, newest activity first, with their unread counts (state/unread.ts). */
export function RoomList() {
  const rooms = useMyRooms();
  const { timelines } = useRealtime();
  const unread = useUnread();
  useTimelinesVersion();
  if (rooms.isPending) return <p className="sidebar__empty">Loading rooms…</p>;
  if (rooms.isError) return <p className="sidebar__empty" role="alert">Could not load your rooms.</p>;
  const entries = rooms.data
    .filter((r) => r.kind !== 'dm') // direct messages have their own list (people/DmList)
    .map((r) => {
      const items = timelines.get(r.id).items;
      const latest = Math.max(r.lastSeq, items.length ? items[items.length - 1].seq : 0);
      const u = unread.get(r.id);
      return { id: r.id, name: r.name, visibility: r.visibility, unread: u.unread, mentions: u.mentions, latest };
    })
    .sort((a, b) => b.latest - a.latest);
  return <RoomListView rooms={entries} />;
}
