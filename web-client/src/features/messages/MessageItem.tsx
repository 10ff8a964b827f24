import type { Attachment } from '@natter/contracts/browser';
import { memo, useRef, useState, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react';
import type { MessageItem as StoredItem } from '../../realtime';
import { Attachments } from '../files/Attachments';
import { Avatar } from '../people/Avatar';
import { EditBox } from './EditBox';
import { renderMarkdown } from './markdown';
import type { MessageControls } from './message-controls';
import { MessageMenu } from './MessageMenu';
import { ReactionChips } from './ReactionChips';

export type MessageStatus = 'pending' | 'sent' | 'failed';

export interface MessageItemProps {
  author: string;
  at: string;
  text: string;
  status: MessageStatus;
  seq?: number;
  mine?: boolean;
  error?: string;
  onRetry?: () => void;
  onDiscard?: () => void;
  /** A stored message with its changes (edit, delete, reactions, replies, pin). */
  stored?: StoredItem;
  /** What I may do with it; absent: read-only (pinned list, history). */
  controls?: MessageControls;
  nameOf?: (userId: string) => string;
  /** Drawn in its thread pane: no thread summary, no "reply in thread". */
  inThread?: boolean;
  /** Drawn at the end of the row (the pinned list's buttons). */
  after?: ReactNode;
  /** Files of a message not stored yet (the outbox's). */
  files?: Attachment[];
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function formatTime(iso: string): { short: string; full: string } {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return { short: '', full: '' };
  return { short: timeFmt.format(d), full: fullFmt.format(d) };
}

const LONG_PRESS_MS = 500;

/**
 * One message. Its text is a safe Markdown subset rendered as React elements (markdown.tsx: never HTML). A
 * stored message shows what happened to it: "(edited)" (opens the versions), a tombstone once deleted, its
 * reactions, its thread's reply count, a pin; and, with controls, its actions (hover toolbar, long press).
 */
export const MessageItem = memo(function MessageItem({ author, at, text, status, seq, mine, error, onRetry, onDiscard, stored, controls, nameOf, inThread, after, files }: MessageItemProps) {
  const time = formatTime(at);
  const [menuOpen, setMenuOpen] = useState(false);
  const press = useRef<ReturnType<typeof setTimeout> | null>(null);
  const names = nameOf ?? ((id: string) => id);
  const editing = stored && controls?.editingSeq === stored.seq;
  const deleted = stored?.deleted;
  const mentionOf = controls?.mention;

  const endPress = () => {
    if (press.current) clearTimeout(press.current);
    press.current = null;
  };
  const onPointerDown = (e: ReactPointerEvent) => {
    if (e.pointerType !== 'touch' || !controls || deleted) return;
    endPress();
    press.current = setTimeout(() => setMenuOpen(true), LONG_PRESS_MS);
  };

  return (
    <li
      className={`message message--${status}${mine ? ' message--mine' : ''}${deleted ? ' message--deleted' : ''}${menuOpen ? ' message--menu' : ''}`}
      data-testid="message"
      data-seq={seq}
      data-status={status}
      {...(deleted ? { 'data-deleted': 'true' } : {})}
      onPointerDown={onPointerDown}
      onPointerUp={endPress}
      onPointerCancel={endPress}
      onPointerMove={(e) => e.pointerType === 'touch' && (Math.abs(e.movementX) > 4 || Math.abs(e.movementY) > 4) && endPress()}
      onContextMenu={(e) => {
        if (!controls || deleted || editing) return;
        e.preventDefault();
        setMenuOpen(true);
      }}
    >
      <div className="message__meta">
        {(stored?.senderId ?? (mine ? controls?.me : undefined)) && <Avatar id={(stored?.senderId ?? controls?.me)!} name={author} size={22} />}
        <span className="message__author">{author}</span>
        <time className="message__time" dateTime={at} title={time.full}>
          {time.short}
        </time>
        {stored?.threadRootSeq != null && !inThread && (
          <button type="button" className="message__link" onClick={() => controls?.openThread(stored.threadRootSeq!)}>
            replied in a thread
          </button>
        )}
        {stored?.edited && !deleted && (
          <button type="button" className="message__edited" onClick={() => controls?.openHistory(stored.seq)} title="Show the edit history">
            (edited)
          </button>
        )}
        {stored?.pinned && !deleted && <span className="badge badge--pin">📌 pinned</span>}
        {status === 'pending' && <span className="message__state">Sending…</span>}
        {status === 'failed' && <span className="message__state message__state--failed">Not sent</span>}
      </div>
      {deleted ? (
        <p className="message__text message__tombstone">Message deleted</p>
      ) : editing && controls && stored ? (
        <EditBox initial={stored.text} onCancel={controls.cancelEdit} onSave={(t) => controls.saveEdit(stored.seq, t)} />
      ) : (
        text !== '' && <div className="message__text markdown">{renderMarkdown(text, { mention: mentionOf })}</div>
      )}
      {!deleted && (stored?.attachments ?? files)?.length ? <Attachments files={(stored?.attachments ?? files)!} /> : null}
      {stored && !deleted && (
        <ReactionChips reactions={stored.reactions} me={controls?.me ?? ''} nameOf={names} onReact={controls && ((emoji, add) => controls.react(stored.seq, emoji, add))} />
      )}
      {stored?.replies && !inThread && (
        <button type="button" className="message__thread" onClick={() => controls?.openThread(stored.seq)}>
          {stored.replies.count} {stored.replies.count === 1 ? 'reply' : 'replies'} · last {formatTime(stored.replies.lastAt).short}
        </button>
      )}
      {after}
      {stored && controls && !editing && <MessageMenu item={stored} controls={controls} open={menuOpen} onOpenChange={setMenuOpen} inThread={inThread} />}
      {status === 'failed' && (
        <div className="message__actions">
          {error && <span className="message__error">{error}</span>}
          {onRetry && (
            <button type="button" className="btn btn--small" onClick={onRetry}>
              Retry
            </button>
          )}
          {onDiscard && (
            <button type="button" className="btn btn--small btn--ghost" onClick={onDiscard}>
              Discard
            </button>
          )}
        </div>
      )}
    </li>
  );
});
