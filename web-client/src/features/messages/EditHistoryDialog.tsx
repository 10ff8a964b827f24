import { useEffect, useRef } from 'react';
import { describeError } from '../../api/errors';
import { useMessageHistory } from '../../app/queries';
import { renderMarkdown } from './markdown';

const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Every version of a message's text, oldest first (GET .../messages/{seq}/history). */
export function EditHistoryDialog({ roomId, seq, onClose }: { roomId: string; seq: number; onClose: () => void }) {
  const versions = useMessageHistory(roomId, seq);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <>
      <div className="sheet-backdrop" onClick={onClose} aria-hidden="true" />
      <div className="dialog sheet" role="dialog" aria-modal="true" aria-labelledby="edit-history-title" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
        <div className="dialog__head">
          <h2 id="edit-history-title">Edit history</h2>
          <button type="button" ref={close} className="btn btn--ghost btn--small" onClick={onClose}>
            Close
          </button>
        </div>
        {versions.isPending && <p role="status">Loading…</p>}
        {versions.isError && <p role="alert">{describeError(versions.error)}</p>}
        {versions.data && versions.data.length === 0 && <p>This message was deleted; its versions are gone.</p>}
        {versions.data && versions.data.length > 0 && (
          <ol className="versions">
            {versions.data.map((v, i) => (
              <li key={v.seq} data-testid="version">
                <div className="versions__meta">
                  {i === 0 ? 'Original' : `Edit ${i}`} · <time dateTime={v.at}>{fmt.format(new Date(v.at))}</time>
                  {i === versions.data.length - 1 && i > 0 ? ' · current' : ''}
                </div>
                <div className="markdown">{renderMarkdown(v.text)}</div>
              </li>
            ))}
          </ol>
        )}
      </div>
    </>
  );
}
