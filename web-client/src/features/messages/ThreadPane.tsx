import { Limits } from '@natter/contracts/browser';
import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import { describeError } from '../../api/errors';
import { useAuth, useMe } from '../../app/auth';
import { useOutbox, useRealtime, useUnread } from '../../app/realtime';
import { applyToThread, emptyThread, mergeThreadPage, type ThreadState } from '../../realtime';
import { Composer, type MentionCandidate } from './Composer';
import type { MessageControls } from './message-controls';
import { MessageItem } from './MessageItem';
import { useReadMarker } from './use-read-marker';
import { MuteThreadButton } from '../notifications/MuteThreadButton';

type Action =
  | { kind: 'page'; page: Parameters<typeof mergeThreadPage>[1]; direction: 'newest' | 'older' }
  | { kind: 'event'; seq: number; event: Parameters<typeof applyToThread>[2] };

/** Live events that arrive before the first page are held, then applied on top of it (those it holds are skipped). */
type State = { thread: ThreadState; early: Extract<Action, { kind: 'event' }>[] };

function reduce({ thread, early }: State, a: Action): State {
  if (a.kind === 'event') return thread.root ? { thread: applyToThread(thread, a.seq, a.event), early } : { thread, early: [...early, a] };
  const merged = mergeThreadPage(thread, a.page, a.direction);
  return { thread: early.reduce((t, e) => applyToThread(t, e.seq, e.event), merged), early: [] };
}

/**
 * A thread beside the room (a bottom sheet on a phone): the root, its replies (the newest page, older ones on
 * demand) kept live from the room's events, and a composer for replies, which may also go to the room.
 * Replies being sent show from the outbox until they are stored.
 */
export function ThreadPane({ roomId, rootSeq, controls, nameOf, members, onClose }: {
  roomId: string;
  rootSeq: number;
  controls: MessageControls;
  nameOf: (u: string) => string;
  members: MentionCandidate[];
  onClose: () => void;
}) {
  const { api } = useAuth();
  const me = useMe();
  const { client, timelines } = useRealtime();
  const outbox = useOutbox(roomId);
  const [{ thread }, dispatch] = useReducer(reduce, { thread: emptyThread(roomId, rootSeq), early: [] });
  const [error, setError] = useState<string | null>(null);
  const [alsoToRoom, setAlsoToRoom] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);

  // Live first, then the newest page: events up to the page's asOfSeq are in it already and are skipped.
  useEffect(() => client.onEvent((room, seq, event) => room === roomId && dispatch({ kind: 'event', seq, event })), [client, roomId]);
  useEffect(() => {
    let cancelled = false;
    // As fresh as what this client has seen of the room: the reply count it showed is in the page.
    api.thread(roomId, rootSeq, { limit: Limits.historyPageDefault, minSeq: timelines.get(roomId).position ?? undefined }).then(
      (page) => !cancelled && dispatch({ kind: 'page', page, direction: 'newest' }),
      (e: unknown) => !cancelled && setError(describeError(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [api, roomId, rootSeq, timelines]);

  const loadOlder = useCallback(async () => {
    const first = thread.replies[0];
    if (!first) return;
    setLoadingOlder(true);
    try {
      dispatch({ kind: 'page', page: await api.thread(roomId, rootSeq, { before: first.seq, limit: Limits.historyPageDefault }), direction: 'older' });
    } catch (e) {
      setError(describeError(e));
    } finally {
      setLoadingOlder(false);
    }
  }, [api, roomId, rootSeq, thread.replies]);

  // Reading the thread moves my thread marker (its notifications are read, its count clears on every device).
  // Where the marker is: the server's counts list only threads with unread replies; others start from 0, so
  // opening one sends at most one marker.
  const unread = useUnread();
  const threadReadSeq = useCallback(() => unread.get(roomId).threads?.find((t) => t.rootSeq === rootSeq)?.readSeq ?? 0, [unread, roomId, rootSeq]);
  useReadMarker(api, roomId, thread.replies.at(-1)?.seq, threadReadSeq, rootSeq);

  const held = useMemo(() => new Set(thread.replies.map((r) => r.clientMsgId)), [thread.replies]);
  const pending = outbox.filter((e) => e.reply?.threadRootSeq === rootSeq && !held.has(e.clientMsgId));
  const author = (id: string, name?: string) => (id === me.id ? me.displayName : name || nameOf(id));

  return (
    <aside className="side-panel thread sheet" aria-labelledby="thread-title" data-testid="thread">
      <div className="members__head">
        <h2 id="thread-title">Thread</h2>
        <MuteThreadButton roomId={roomId} rootSeq={rootSeq} />
        <button type="button" className="btn btn--ghost btn--small" onClick={onClose}>
          Close
        </button>
      </div>
      {error && <p role="alert" className="notice notice--error">{error}</p>}
      <div className="thread__body">
        <ol className="timeline__list" aria-label="Thread">
          {thread.root && (
            <MessageItem seq={thread.root.seq} author={author(thread.root.senderId, thread.root.senderName)} at={thread.root.at} text={thread.root.text} status="sent" stored={thread.root} controls={controls} nameOf={nameOf} inThread />
          )}
        </ol>
        <p className="thread__count">
          {thread.root?.replies ? `${thread.root.replies.count} ${thread.root.replies.count === 1 ? 'reply' : 'replies'}` : 'No replies yet'}
        </p>
        {thread.hasOlder && thread.replies.length > 0 && (
          <button type="button" className="btn btn--ghost btn--small" disabled={loadingOlder} onClick={() => void loadOlder()}>
            Load older replies
          </button>
        )}
        <ol className="timeline__list" aria-label="Replies" aria-live="polite">
          {thread.replies.map((r) => (
            <MessageItem key={r.seq} seq={r.seq} author={author(r.senderId, r.senderName)} at={r.at} text={r.text} status="sent" mine={r.senderId === me.id} stored={r} controls={controls} nameOf={nameOf} inThread />
          ))}
          {pending.map((e) => (
            <MessageItem key={e.clientMsgId} author={me.displayName} at={e.createdAt} text={e.text} status={e.status} mine error={e.error?.message} onRetry={() => client.retry(e.clientMsgId)} onDiscard={() => client.discard(e.clientMsgId)} />
          ))}
        </ol>
      </div>
      <Composer
        roomName="thread"
        label="Reply in thread"
        members={members}
        onSend={(text) => client.send(roomId, text, { threadRootSeq: rootSeq, alsoToRoom })}
        onTyping={() => client.typing(roomId)}
        extra={
          <label className="checkbox composer__also">
            <input type="checkbox" checked={alsoToRoom} onChange={(e) => setAlsoToRoom(e.target.checked)} /> Also send to the room
          </label>
        }
      />
    </aside>
  );
}
