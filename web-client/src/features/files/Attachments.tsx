import type { Attachment } from '@natter/contracts/browser';
import { useState } from 'react';
import { useAuth } from '../../app/auth';
import { Lightbox } from './Lightbox';
import { formatBytes } from './format-bytes';
import { saveFile, useFileUrl, useFilesRoom } from './room-files';

/**
 * A message's files: images inline as their thumbnail (the size is known before it loads, so nothing
 * jumps), opening a lightbox with the full image; every other file as a card with its name, size and type
 * and a download button. Nothing is ever rendered as HTML: files are images drawn from blobs or downloads.
 */
export function Attachments({ files }: { files: Attachment[] }) {
  const roomId = useFilesRoom();
  const [open, setOpen] = useState<Attachment | null>(null);
  if (!files.length) return null;
  return (
    <div className="attachments" data-testid="attachments">
      {files.map((f) => (f.image ? <ImageThumb key={f.fileId} roomId={roomId} file={f} onOpen={() => setOpen(f)} /> : <FileCard key={f.fileId} roomId={roomId} file={f} />))}
      {open && <Lightbox roomId={roomId} file={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

function ImageThumb({ roomId, file, onOpen }: { roomId: string | null; file: Attachment; onOpen: () => void }) {
  const { url, error } = useFileUrl(roomId, file.fileId, true);
  const { thumbWidth: w, thumbHeight: h } = file.image!;
  return (
    <button type="button" className="attachment-image" onClick={onOpen} aria-label={`Open image ${file.name}`} style={{ width: Math.min(w, 320), aspectRatio: `${w} / ${h}` }}>
      {url ? <img src={url} alt={file.name} width={w} height={h} data-testid="attachment-thumb" /> : <span className="attachment-image__placeholder">{error ? 'Image unavailable' : ''}</span>}
    </button>
  );
}

function FileCard({ roomId, file }: { roomId: string | null; file: Attachment }) {
  const { api } = useAuth();
  const [failed, setFailed] = useState(false);
  return (
    <div className="attachment-card" data-testid="attachment-card">
      <span className="attachment-card__icon" aria-hidden="true">
        📄
      </span>
      <span className="attachment-card__text">
        <span className="attachment-card__name">{file.name}</span>
        <span className="attachment-card__meta">
          {formatBytes(file.size)} · {file.type}
        </span>
      </span>
      <button
        type="button"
        className="btn btn--small"
        disabled={!roomId}
        onClick={() => roomId && saveFile(api, roomId, file.fileId, file.name).then(() => setFailed(false), () => setFailed(true))}
      >
        {failed ? 'Retry download' : 'Download'}
      </button>
    </div>
  );
}
