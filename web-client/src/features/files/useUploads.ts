import { FileLimits, type Attachment } from '@natter/contracts/browser';
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeFileError, uploadRetryable } from './file-errors';
import { useAuth } from '../../app/auth';

/** A file being uploaded for the next message: its progress, then its attachment, or why it failed. */
export interface PendingUpload {
  id: string;
  file: File;
  /** A local preview of an image (object URL), shown while it uploads. */
  preview: string | null;
  sent: number;
  status: 'uploading' | 'done' | 'failed';
  attachment?: Attachment;
  error?: string;
  /** A failed upload that may pass if sent again (Retry); false: the file itself was refused (Remove only). */
  retryable?: boolean;
}

export interface Uploads {
  items: PendingUpload[];
  add(files: File[]): void;
  /** Stop an upload in flight (and forget it). */
  cancel(id: string): void;
  retry(id: string): void;
  /** The attachments ready to send, in the order they were added. */
  ready: Attachment[];
  /** Something is still uploading (the message waits for it). */
  busy: boolean;
  /** Forget every upload (after the message went). */
  clear(): void;
}

let next = 0;

/**
 * Files for the next message in a room: each uploads at once (POST /api/rooms/{roomId}/files) with a progress
 * bar, can be cancelled while in flight, retried when it failed, and is sent with the message once done.
 */
export function useUploads(roomId: string): Uploads {
  const { api } = useAuth();
  const [items, setItems] = useState<PendingUpload[]>([]);
  const controllers = useRef(new Map<string, AbortController>());
  const patch = useCallback((id: string, p: Partial<PendingUpload>) => setItems((list) => list.map((u) => (u.id === id ? { ...u, ...p } : u))), []);

  const start = useCallback(
    (u: PendingUpload) => {
      const ctl = new AbortController();
      controllers.current.set(u.id, ctl);
      api
        .upload(roomId, u.file, u.file.name || 'pasted-image.png', (sent) => patch(u.id, { sent }), ctl.signal)
        .then(
          (r) => patch(u.id, { status: 'done', attachment: r.file, sent: u.file.size }),
          (e: unknown) => {
            if (e instanceof DOMException && e.name === 'AbortError') return;
            patch(u.id, { status: 'failed', error: describeFileError(e), retryable: uploadRetryable(e) });
          },
        )
        .finally(() => controllers.current.delete(u.id));
    },
    [api, roomId, patch],
  );

  const add = useCallback(
    (files: File[]) => {
      const fresh = files.slice(0, FileLimits.attachmentsPerMessage).map((file): PendingUpload => ({
        id: `u${++next}`, file, sent: 0, status: 'uploading',
        preview: /^image\/(png|jpeg|gif|webp)$/.test(file.type) ? URL.createObjectURL(file) : null,
      }));
      setItems((list) => [...list, ...fresh].slice(0, FileLimits.attachmentsPerMessage));
      fresh.forEach(start);
    },
    [start],
  );

  const forget = useCallback((id: string) => {
    controllers.current.get(id)?.abort();
    setItems((list) => {
      const gone = list.find((u) => u.id === id);
      if (gone?.preview) URL.revokeObjectURL(gone.preview);
      return list.filter((u) => u.id !== id);
    });
  }, []);

  const retry = useCallback(
    (id: string) => {
      setItems((list) => list.map((u) => (u.id === id ? { ...u, status: 'uploading', sent: 0, error: undefined, retryable: undefined } : u)));
      const u = items.find((x) => x.id === id);
      if (u) start(u);
    },
    [items, start],
  );

  const clear = useCallback(() => {
    setItems((list) => {
      for (const u of list) if (u.preview) URL.revokeObjectURL(u.preview);
      return [];
    });
  }, []);

  useEffect(() => () => controllers.current.forEach((c) => c.abort()), []);

  return {
    items,
    add,
    cancel: forget,
    retry,
    ready: items.flatMap((u) => (u.status === 'done' && u.attachment ? [u.attachment] : [])),
    busy: items.some((u) => u.status === 'uploading'),
    clear,
  };
}
