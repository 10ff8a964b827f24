import type { Attachment } from '@natter/contracts/browser';
import { useEffect, useRef } from 'react';
import { useFileUrl } from './room-files';

/** The full image over the page: Escape, the close button or a click outside the image closes it. */
export function Lightbox({ roomId, file, onClose }: { roomId: string | null; file: Attachment; onClose: () => void }) {
  const { url, error } = useFileUrl(roomId, file.fileId, false);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    close.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="lightbox" role="dialog" aria-modal="true" aria-label={file.name} data-testid="lightbox" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <figure className="lightbox__figure">
        {url ? <img src={url} alt={file.name} className="lightbox__image" /> : <p className="lightbox__status">{error ? 'This image is no longer available.' : 'Loading…'}</p>}
        <figcaption className="lightbox__caption">
          {file.name}
          {file.image && ` · ${file.image.width} × ${file.image.height}`}
        </figcaption>
      </figure>
      <button type="button" ref={close} className="btn lightbox__close" onClick={onClose} aria-label="Close">
        ✕
      </button>
    </div>
  );
}
