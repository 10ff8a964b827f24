import { NavLink } from 'react-router';
import { usePresence, useReadMarkers, useRealtime, useTimelinesVersion } from '../../app/realtime';
import { dmName, useDirectMessages } from './people.queries';

/** The sidebar's direct messages: the other people's names, presence for one-to-one ones, unread marks. */
export function DmList() {
  const dms = useDirectMessages();
  const { timelines } = useRealtime();
  const markers = useReadMarkers();
  useTimelinesVersion();
  const peerIds = [...new Set(dms.flatMap((d) => (d.peers ?? []).map((p) => p.userId)))];
  const online = usePresence(peerIds.length ? peerIds : undefined);
  if (dms.length === 0) return <p className="sidebar__empty">No direct messages yet.</p>;
  return (
    <ul className="room-list" aria-label="Direct messages">
      {dms.map((d) => {
        const items = timelines.get(d.id).items;
        const latest = Math.max(d.lastSeq, items.length ? items[items.length - 1].seq : 0);
        const unread = markers.isUnread(d.id, latest);
        const solo = d.peers?.length === 1 ? d.peers[0] : undefined;
        return (
          <li key={d.id}>
            <NavLink to={`/rooms/${d.id}`} className={({ isActive }) => `room-link${isActive ? ' room-link--active' : ''}${unread ? ' room-link--unread' : ''}`} data-testid="dm-link">
              <span className={`presence-dot${solo && online[solo.userId] ? ' presence-dot--online' : ''}`} role="img" aria-label={solo ? (online[solo.userId] ? 'online' : 'offline') : 'group'} />
              <span className="room-link__name">{dmName(d)}</span>
              {unread && (
                <span className="unread-dot" data-testid="unread-marker">
                  <span className="visually-hidden">(unread)</span>
                </span>
              )}
            </NavLink>
          </li>
        );
      })}
    </ul>
  );
}
