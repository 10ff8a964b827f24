import { NavLink } from 'react-router';
import { usePresence, useUnread } from '../../app/realtime';
import { UnreadBadge, unreadClasses } from '../rooms/UnreadBadge';
import { dmName, useDirectMessages } from './people.queries';

/** The sidebar's direct messages: the other people's names, presence for one-to-one ones, unread marks. */
export function DmList() {
  const dms = useDirectMessages();
  const unreadCounts = useUnread();
  const peerIds = [...new Set(dms.flatMap((d) => (d.peers ?? []).map((p) => p.userId)))];
  const online = usePresence(peerIds.length ? peerIds : undefined);
  if (dms.length === 0) return <p className="sidebar__empty">No direct messages yet.</p>;
  return (
    <ul className="room-list" aria-label="Direct messages">
      {dms.map((d) => {
        const { unread, mentions } = unreadCounts.get(d.id);
        const solo = d.peers?.length === 1 ? d.peers[0] : undefined;
        return (
          <li key={d.id}>
            <NavLink to={`/rooms/${d.id}`} className={({ isActive }) => `room-link${isActive ? ' room-link--active' : ''}${unreadClasses(unread, mentions)}`} data-testid="dm-link" data-unread={unread} data-mentions={mentions}>
              <span className={`presence-dot${solo && online[solo.userId] ? ' presence-dot--online' : ''}`} role="img" aria-label={solo ? (online[solo.userId] ? 'online' : 'offline') : 'group'} />
              <span className="room-link__name">{dmName(d)}</span>
              <UnreadBadge unread={unread} mentions={mentions} />
            </NavLink>
          </li>
        );
      })}
    </ul>
  );
}
