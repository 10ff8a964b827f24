import { memo } from 'react';
import { linkify } from './linkify';

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
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function formatTime(iso: string): { short: string; full: string } {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return { short: '', full: '' };
  return { short: timeFmt.format(d), full: fullFmt.format(d) };
}

/** One message. The text is rendered as text (never HTML); links are made clickable safely. */
export const MessageItem = memo(function MessageItem({ author, at, text, status, seq, mine, error, onRetry, onDiscard }: MessageItemProps) {
  const time = formatTime(at);
  return (
    <li
      className={`message message--${status}${mine ? ' message--mine' : ''}`}
      data-testid="message"
      data-seq={seq}
      data-status={status}
    >
      <div className="message__meta">
        <span className="message__author">{author}</span>
        <time className="message__time" dateTime={at} title={time.full}>
          {time.short}
        </time>
        {status === 'pending' && <span className="message__state">Sending…</span>}
        {status === 'failed' && <span className="message__state message__state--failed">Not sent</span>}
      </div>
      <p className="message__text">{linkify(text)}</p>
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
