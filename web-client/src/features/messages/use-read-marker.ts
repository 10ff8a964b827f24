import { useEffect, useRef } from 'react';
import type { Api } from '../../api/client';

/** The shortest time between two read markers a view sends for its room or thread. */
const MARK_EVERY_MS = 1000;

/**
 * Reading moves my marker (on the server: every device of mine clears the badge, and the notifications it
 * covers are read): everything up to `latest` while it is on screen and the tab is visible, for the room's
 * timeline or, with `threadRootSeq`, for that thread. Only forward (`readSeq`: where the marker already is), and
 * at most one marker per MARK_EVERY_MS: each one is an event in the log, and a busy room on screen must not
 * append one per message it shows (the newest message of a burst is marked when the interval ends).
 * `latest` undefined: not ready to mark yet.
 */
export function useReadMarker(api: Api, roomId: string, latest: number | undefined, readSeq: () => number, threadRootSeq?: number): void {
  const marked = useRef({ seq: 0, at: 0 });
  useEffect(() => {
    if (latest === undefined) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const mark = () => {
      timer = undefined;
      if (document.visibilityState === 'hidden' || latest <= Math.max(marked.current.seq, readSeq())) return;
      const wait = marked.current.at + MARK_EVERY_MS - Date.now();
      if (wait > 0) {
        timer = setTimeout(mark, wait);
        return;
      }
      marked.current = { seq: latest, at: Date.now() };
      api.markRead([threadRootSeq === undefined ? { roomId, seq: latest } : { roomId, seq: latest, threadRootSeq }]).then(
        (r) => api.observe(r.seq),
        () => {
          marked.current = { seq: 0, at: 0 }; // try again on the next change
        },
      );
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => {
      document.removeEventListener('visibilitychange', mark);
      if (timer) clearTimeout(timer);
    };
  }, [api, roomId, latest, readSeq, threadRootSeq]);
}
