/**
 * A room's unread count in the sidebar (issue 12): the number of unread messages, highlighted when some of them
 * mention you (with an "@"), and said in words to screen readers.
 */
export function UnreadBadge({ unread, mentions }: { unread: number; mentions: number }) {
  if (unread <= 0) return null;
  const words = `${unread} unread${mentions > 0 ? `, ${mentions} mentioning you` : ''}`;
  return (
    <span className={`unread-badge${mentions > 0 ? ' unread-badge--mention' : ''}`} data-testid="unread-badge" data-unread={unread} data-mentions={mentions}>
      <span aria-hidden="true">{mentions > 0 ? `@${unread > 99 ? '99+' : unread}` : unread > 99 ? '99+' : unread}</span>
      <span className="visually-hidden">({words})</span>
    </span>
  );
}

/** The link classes of a room with unread messages (bold) or unread mentions (highlighted). */
export const unreadClasses = (unread: number, mentions: number): string => `${unread > 0 ? ' room-link--unread' : ''}${mentions > 0 ? ' room-link--mention' : ''}`;
