import { useState } from 'react';
import { describeError } from '../../api/errors';
import { useAuth } from '../../app/auth';
import { useMyRooms } from '../../app/queries';
import { useUnread } from '../../app/realtime';

/**
 * "Mark all read": one command moves my marker to the newest message of every room (and direct message) with
 * something unread; every device of mine clears its badges when the marker event reaches it.
 */
export function MarkAllRead() {
  const { api } = useAuth();
  const rooms = useMyRooms();
  const unread = useUnread();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const markers = (rooms.data ?? []).flatMap((r) => {
    const u = unread.get(r.id);
    return u.unread > 0 ? [{ roomId: r.id, seq: u.latestSeq }] : [];
  });
  if (markers.length === 0) return null;
  const markAll = async () => {
    setBusy(true);
    setError(null);
    try {
      api.observe((await api.markRead(markers)).seq);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="btn btn--ghost btn--small" data-testid="mark-all-read" disabled={busy} onClick={() => void markAll()}>
        Mark all read
      </button>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
