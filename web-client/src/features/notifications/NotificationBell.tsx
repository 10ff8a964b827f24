import type { NotificationView } from '@natter/contracts/browser';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useVisibilityOf } from '../../app/queries';
import { roomName } from '../rooms/room-name';
import { useMarkRead, useNotifications } from './notifications.queries';

const KIND_TEXT: Record<NotificationView['kind'], string> = {
  dm: 'sent you a message',
  mention: 'mentioned you',
  room_mention: 'mentioned everyone',
  reply: 'replied to you',
  thread: 'replied in a thread',
  message: 'wrote',
};

/** Where a notification opens: the room at the message (`?m=`, the room's message links), or at its thread's root for a reply. */
export const notificationHref = (n: NotificationView) => `/rooms/${encodeURIComponent(n.roomId)}?m=${n.threadRootSeq ?? n.messageSeq}`;

/** The bell in the top bar: unread count, and the notification center as a panel under it. */
export function NotificationBell() {
  const q = useNotifications();
  const markRead = useMarkRead();
  const visibilityOf = useVisibilityOf();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  const unread = q.data?.unread ?? 0;
  const items = q.data?.items ?? [];

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !panel.current?.parentElement?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  const openOne = (n: NotificationView) => {
    if (!n.read) markRead.mutate({ seqs: [n.seq] });
    setOpen(false);
    navigate(notificationHref(n));
  };

  return (
    <div className="bell">
      <button
        type="button"
        className="btn btn--ghost btn--small bell__button"
        aria-expanded={open}
        aria-haspopup="true"
        aria-label={unread ? `Notifications, ${unread} unread` : 'Notifications'}
        data-testid="notification-bell"
        onClick={() => setOpen(!open)}
      >
        <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
          <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
        </svg>
        {unread > 0 && (
          <span className="bell__count" data-testid="notification-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="bell__panel" ref={panel} role="region" aria-label="Notification center">
          <div className="bell__head">
            <h2>Notifications</h2>
            <button type="button" className="btn btn--ghost btn--small" disabled={!unread || markRead.isPending} onClick={() => items[0] && markRead.mutate({ upToSeq: items[0].seq })}>
              Mark all read
            </button>
          </div>
          {q.isError && <p className="form__error">Could not load notifications.</p>}
          {items.length === 0 && !q.isLoading && <p className="bell__empty">Nothing yet. Mentions, direct messages and replies show up here.</p>}
          <ul className="bell__list">
            {items.map((n) => (
              <li key={n.seq}>
                <button type="button" className={`bell__item${n.read ? '' : ' bell__item--unread'}`} onClick={() => openOne(n)}>
                  <span className="bell__line">
                    <strong>{n.actorName ?? 'Someone'}</strong> {KIND_TEXT[n.kind]} {n.roomName ? <>in {roomName(n.roomName, visibilityOf(n.roomId))}</> : null}
                  </span>
                  <span className="bell__excerpt">{n.excerpt}</span>
                  <time className="bell__time" dateTime={n.at}>
                    {new Date(n.at).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' })}
                  </time>
                </button>
              </li>
            ))}
          </ul>
          <div className="bell__foot">
            <Link to="/settings/notifications" onClick={() => setOpen(false)}>
              Notification settings
            </Link>
          </div>
        </div>
      )}
    </div>
  );
}
