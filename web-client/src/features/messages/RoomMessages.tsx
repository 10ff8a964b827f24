import { Limits } from '@natter/contracts/browser';
import { Fragment, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError, describeError, isNetworkError } from '../../api/errors';
import { useAuth, useMe } from '../../app/auth';
import { useOutbox, useRealtime, useTimeline, useUnread } from '../../app/realtime';
import { TimelineRow } from '../timeline/TimelineRow';
import type { RowContext } from '../timeline/renderer';
import { Composer, type MentionCandidate } from './Composer';
import { useUploads } from '../files/useUploads';
import type { MessageControls } from './message-controls';
import { MessageItem } from './MessageItem';
import { MessageList } from './MessageList';
import { useReadMarker } from './use-read-marker';

const TRANSIENT = new Set(['projection_lagging', 'unavailable', 'overloaded', 'internal']);
/** How many older pages a link to a message may load to reach it (of Limits.historyPageDefault each). */
const JUMP_PAGES = 40;

/**
 * A room's messages (history + live + own pending ones) and the composer (a notice instead when the room is
 * read-only). `controls` and `nameOf` come from the room (RoomView), which shares them with the thread and
 * pinned panels.
 */
export function RoomMessages({ roomId, roomName, typing = null, readOnly = false, controls, nameOf, members, notice, onDismissNotice }: {
  roomId: string;
  roomName: string;
  typing?: string | null;
  readOnly?: boolean;
  controls: MessageControls;
  nameOf: (userId: string) => string;
  members: MentionCandidate[];
  notice: string | null;
  onDismissNotice: () => void;
}) {
  const { api } = useAuth();
  const me = useMe();
  const { timelines, client } = useRealtime();
  const unread = useUnread();
  const timeline = useTimeline(roomId);
  const outbox = useOutbox(roomId);
  const uploads = useUploads(roomId);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const loadingNewest = useRef(false);

  // The newest page, once per page load (what is held from before may be behind).
  useEffect(() => {
    if (timeline.newestLoaded || loadingNewest.current) return;
    loadingNewest.current = true;
    let cancelled = false;
    void (async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          const position = timelines.get(roomId).position ?? undefined;
          const page = await api.history(roomId, { limit: Limits.historyPageDefault, minSeq: position });
          if (!cancelled) {
            timelines.mergePage(roomId, page.messages, { direction: 'newest', hasMore: page.hasMore, asOfSeq: page.asOfSeq });
            setLoadError(null);
          }
          break;
        } catch (e) {
          if (e instanceof ApiError && TRANSIENT.has(e.code) && attempt < 2 && !cancelled) {
            await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
            continue;
          }
          if (!cancelled) setLoadError(isNetworkError(e) ? 'Offline: showing the messages saved on this device.' : describeError(e));
          break;
        }
      }
      loadingNewest.current = false;
    })();
    return () => {
      cancelled = true;
    };
  }, [api, roomId, timeline.newestLoaded, timelines]);

  const loadOlder = useCallback(async () => {
    const t = timelines.get(roomId);
    if (!t.hasOlder || loadingOlder || t.items.length === 0) return;
    setLoadingOlder(true);
    try {
      const page = await api.history(roomId, { before: t.items[0].seq, limit: Limits.historyPageDefault });
      timelines.mergePage(roomId, page.messages, { direction: 'older', hasMore: page.hasMore, asOfSeq: page.asOfSeq });
    } catch (e) {
      setLoadError(describeError(e));
    } finally {
      setLoadingOlder(false);
    }
  }, [api, roomId, timelines, loadingOlder]);

  // Where the "new messages" line goes: the first unread message when the room was opened (issue 12), taken
  // once the server's counts are in and before this view marks anything read; null: nothing was unread.
  const [lineAt, setLineAt] = useState<number | null | undefined>(undefined);
  const firstUnread = unread.loaded ? unread.get(roomId).firstUnreadSeq : undefined;
  useEffect(() => {
    if (lineAt === undefined && firstUnread !== undefined) setLineAt(firstUnread);
  }, [lineAt, firstUnread]);

  // Reading moves my marker (use-read-marker.ts), once the "new messages" line has its place.
  const latest = timeline.items.length ? timeline.items[timeline.items.length - 1].seq : undefined;
  const readSeq = useCallback(() => unread.get(roomId).readSeq, [unread, roomId]);
  useReadMarker(api, roomId, lineAt === undefined ? undefined : latest, readSeq);

  // The first item at or after the line (the unread message itself may have been deleted since).
  const lineSeq = lineAt == null ? null : (timeline.items.find((i) => i.seq >= lineAt)?.seq ?? null);
  const jumpToFirstUnread = async () => {
    // Older pages until the first unread message is loaded, then bring the line into view.
    for (let i = 0; i < 50; i++) {
      const t = timelines.get(roomId);
      if (lineAt == null || !t.hasOlder || (t.items[0] && t.items[0].seq <= lineAt)) break;
      const page = await api.history(roomId, { before: t.items[0].seq, limit: Limits.historyPageMax });
      timelines.mergePage(roomId, page.messages, { direction: 'older', hasMore: page.hasMore, asOfSeq: page.asOfSeq });
    }
    requestAnimationFrame(() => document.querySelector('[data-testid="new-messages-line"]')?.scrollIntoView({ block: 'start' }));
  };

  // "Jump to first unread" is for a line off screen: watched while it is rendered.
  const [lineOnScreen, setLineOnScreen] = useState(false);
  const lineWatch = useRef<IntersectionObserver | null>(null);
  const lineRef = useCallback((el: HTMLDivElement | null) => {
    lineWatch.current?.disconnect();
    lineWatch.current = null;
    if (!el || typeof IntersectionObserver === 'undefined') return setLineOnScreen(false);
    lineWatch.current = new IntersectionObserver(([entry]) => setLineOnScreen(entry.isIntersecting));
    lineWatch.current.observe(el);
  }, []);
  useEffect(() => () => lineWatch.current?.disconnect(), []);

  const ctx: RowContext = useMemo(() => ({ me: { id: me.id, displayName: me.displayName }, nameOf, controls }), [me.id, me.displayName, nameOf, controls]);

  // Outbox entries already in the timeline (acked, or seen as an event) are shown from the timeline; replies
  // only in the thread, unless they also go to the room.
  const held = useMemo(() => new Set(timeline.items.flatMap((i) => (i.kind === 'message' ? [i.clientMsgId] : []))), [timeline.items]);
  const pending = outbox.filter((e) => !held.has(e.clientMsgId) && (!e.reply || e.reply.alsoToRoom));

  // A link to a message (`?m=<seq>`, e.g. a search result): older pages are loaded until it is in the timeline
  // (at most JUMP_PAGES of them), then it is brought into view and marked, with its neighbours around it.
  const [params] = useSearchParams();
  const linked = Number(params.get('m')) || null;
  const linkedShown = linked !== null && timeline.items.some((i) => i.seq === linked);
  const jumpPages = useRef(0);
  useEffect(() => {
    if (linked === null || linkedShown || !timeline.newestLoaded || loadingOlder) return;
    const first = timeline.items[0]?.seq;
    if (first === undefined || first < linked || !timeline.hasOlder || jumpPages.current >= JUMP_PAGES) return;
    jumpPages.current++;
    void loadOlder();
  }, [linked, linkedShown, timeline.newestLoaded, timeline.hasOlder, timeline.items, loadingOlder, loadOlder]);
  useEffect(() => {
    if (!linkedShown) return;
    const el = document.querySelector(`[data-testid="message"][data-seq="${linked}"]`);
    el?.scrollIntoView({ block: 'center' });
    el?.setAttribute('data-linked', 'true');
    return () => el?.removeAttribute('data-linked');
  }, [linked, linkedShown]);

  /** Up arrow in the empty composer: edit my newest message that may still be edited. */
  const editLast = () => {
    for (let i = timeline.items.length - 1; i >= 0; i--) {
      const item = timeline.items[i];
      if (item.kind === 'message' && item.senderId === me.id && controls.canEdit(item)) {
        controls.startEdit(item.seq);
        return true;
      }
    }
    return false;
  };

  return (
    <>
      {lineAt != null && !lineOnScreen && (
        <div className="room__jump">
          <button type="button" className="btn btn--ghost btn--small" data-testid="jump-to-unread" onClick={() => void jumpToFirstUnread().catch((e) => setLoadError(describeError(e)))}>
            Jump to first unread
          </button>
        </div>
      )}
      <MessageList
        label={`Messages in ${roomName}`}
        count={timeline.items.length + pending.length}
        firstKey={timeline.items[0]?.seq}
        hasOlder={timeline.hasOlder && timeline.items.length > 0}
        loadingOlder={loadingOlder}
        onLoadOlder={() => void loadOlder()}
        status={
          loadError ? (
            <p className="notice" role="status">
              {loadError}
            </p>
          ) : !timeline.newestLoaded && timeline.items.length === 0 ? (
            <p className="notice" role="status">
              Loading messages…
            </p>
          ) : null
        }
      >
        {timeline.items.map((item) => (
          <Fragment key={item.seq}>
            {item.seq === lineSeq && (
              <div ref={lineRef} className="new-messages-line" data-testid="new-messages-line" role="separator" aria-label="New messages">
                <span>New messages</span>
              </div>
            )}
            <TimelineRow item={item} ctx={ctx} />
          </Fragment>
        ))}
        {pending.map((e) => (
          <MessageItem
            key={e.clientMsgId}
            author={me.displayName}
            at={e.createdAt}
            text={e.text}
            files={e.attachments}
            status={e.status}
            mine
            error={e.error?.message}
            onRetry={() => client.retry(e.clientMsgId)}
            onDiscard={() => client.discard(e.clientMsgId)}
          />
        ))}
      </MessageList>
      {notice && (
        <p className="notice room__notice" role="status">
          {notice}
          <button type="button" className="btn btn--ghost btn--small" onClick={onDismissNotice}>
            Dismiss
          </button>
        </p>
      )}
      <p className="room__typing" aria-live="polite">
        {typing}
      </p>
      {readOnly ? (
        <p className="notice composer-readonly" role="status">
          This room is archived: it can be read, not written in.
        </p>
      ) : (
        <Composer roomName={roomName} members={members} onEditLast={editLast} uploads={uploads} onSend={(text, files) => client.send(roomId, text, undefined, files)} onTyping={() => client.typing(roomId)} />
      )}
    </>
  );
}
