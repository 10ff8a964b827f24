import { NavLink } from 'react-router';
import { LockIcon } from '../../app/icons';
import { useMyRooms } from '../../app/queries';
import { useReadMarkers, useRealtime, useTimelinesVersion } from '../../app/realtime';

export interface RoomListEntry {
  id: string;
  name: string;
  visibility: 'public' | 'private';
  unread: boolean;
}

/** The list of rooms (presentational). An unread room is bold, has a dot and says "unread" to screen readers. */
export function RoomListView({ rooms }: { rooms: RoomListEntry[] }) {
  if (rooms.length === 0) return <p className="sidebar__empty">You are not in any room yet.</p>;
  return (
    <ul className="room-list">
      {rooms.map((r) => (
        <li key={r.id}>
          <NavLink
            to={`/rooms/${r.id}`}
            className={({ isActive }) => `room-link${isActive ? ' room-link--active' : ''}${r.unread ? ' room-link--unread' : ''}`}
            data-testid="room-link"
            data-room-id={r.id}
            data-unread={r.unread ? 'true' : 'false'}
          >
            <span aria-hidden="true" className="room-link__hash">
              {r.visibility === 'private' ? <LockIcon /> : '#'}
            </span>
            <span className="room-link__name">{r.name}</span>{' '}
            {r.unread && (
              <span className="unread-dot" data-testid="unread-marker">
                <span className="visually-hidden">(unread)</span>
              </span>
            )}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

/** My rooms, newest activity first, with the unread marker from the read markers and live timelines. */
export function RoomList() {
  const rooms = useMyRooms();
  const { timelines } = useRealtime();
  const markers = useReadMarkers();
  useTimelinesVersion();
  if (rooms.isPending) return <p className="sidebar__empty">Loading rooms…</p>;
  if (rooms.isError) return <p className="sidebar__empty" role="alert">Could not load your rooms.</p>;
  const entries = rooms.data
    .filter((r) => r.kind !== 'dm') // direct messages have their own list (people/DmList)
    .map((r) => {
      const items = timelines.get(r.id).items;
      const latest = Math.max(r.lastSeq, items.length ? items[items.length - 1].seq : 0);
      return { id: r.id, name: r.name, visibility: r.visibility, unread: markers.isUnread(r.id, latest), latest };
    })
    .sort((a, b) => b.latest - a.latest);
  return <RoomListView rooms={entries} />;
}
