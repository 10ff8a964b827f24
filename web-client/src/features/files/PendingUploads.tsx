import { useState } from 'react';
import { formatBytes } from './format-bytes';
import type { Uploads } from './useUploads';

/** The files waiting to go with the next message: a preview, a progress bar, and cancel / retry / remove. */
export function PendingUploads({ uploads }: { uploads: Uploads }) {
  if (!uploads.items.length) return null;
  return (
    <ul className="pending-uploads" aria-label="Files for this message">
      {uploads.items.map((u) => (
        <li key={u.id} className={`pending-upload pending-upload--${u.status}`} data-testid="pending-upload" data-status={u.status}>
          <Preview src={u.preview} />
          <span className="pending-upload__text">
            <span className="pending-upload__name">{u.file.name || 'pasted image'}</span>
            {u.status === 'uploading' && <progress max={u.file.size || 1} value={u.sent} aria-label={`Uploading ${u.file.name}`} />}
            {u.status === 'done' && <span className="pending-upload__meta">{formatBytes(u.attachment?.size ?? u.file.size)} · ready</span>}
            {u.status === 'failed' && <span className="pending-upload__error">{u.error}</span>}
          </span>
          {u.status === 'failed' && u.retryable && (
            <button type="button" className="btn btn--small" onClick={() => uploads.retry(u.id)}>
              Retry
            </button>
          )}
          <button type="button" className="btn btn--small btn--ghost" onClick={() => uploads.cancel(u.id)} aria-label={u.status === 'uploading' ? `Cancel upload of ${u.file.name}` : `Remove ${u.file.name}`}>
            {u.status === 'uploading' ? 'Cancel' : 'Remove'}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** A local image's preview; the file icon when there is none or it does not decode (a "PNG" that is not one). */
function Preview({ src }: { src: string | null }) {
  const [broken, setBroken] = useState(false);
  if (!src || broken) {
    return (
      <span className="pending-upload__icon" aria-hidden="true">
        📄
      </span>
    );
  }
  return <img className="pending-upload__preview" src={src} alt="" onError={() => setBroken(true)} />;
}
