import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useAuth } from '../../app/auth';
import type { Api } from '../../api/client';

/** The room whose files the rows below it show (attachments are downloaded per room: authorized by membership). */
const RoomIdContext = createContext<string | null>(null);

export function RoomFilesProvider({ roomId, children }: { roomId: string; children: ReactNode }) {
  return <RoomIdContext.Provider value={roomId}>{children}</RoomIdContext.Provider>;
}

export function useFilesRoom(): string | null {
  return useContext(RoomIdContext);
}

/**
 * Object URLs of downloaded files, shared by every row that shows them, at most 200 (the oldest are revoked).
 * Keyed by room, file and thumbnail-or-not; a failed download is forgotten so that a later render tries again.
 */
const urls = new Map<string, Promise<string>>();
function objectUrl(api: Api, roomId: string, fileId: string, thumb: boolean): Promise<string> {
  const key = `${roomId}/${fileId}/${thumb ? 't' : 'f'}`;
  let p = urls.get(key);
  if (!p) {
    p = api.fileBlob(roomId, fileId, thumb).then((b) => URL.createObjectURL(b));
    p.catch(() => urls.delete(key));
    urls.set(key, p);
    if (urls.size > 200) {
      const [oldest, url] = urls.entries().next().value as [string, Promise<string>];
      urls.delete(oldest);
      void url.then((u) => URL.revokeObjectURL(u), () => {});
    }
  }
  return p;
}

/** The object URL of a room's file (or its thumbnail), once downloaded; `error` when it cannot be. */
export function useFileUrl(roomId: string | null, fileId: string, thumb: boolean, enabled = true): { url: string | null; error: boolean } {
  const { api } = useAuth();
  const [state, setState] = useState<{ url: string | null; error: boolean }>({ url: null, error: false });
  useEffect(() => {
    if (!roomId || !enabled) return;
    let live = true;
    objectUrl(api, roomId, fileId, thumb).then(
      (url) => live && setState({ url, error: false }),
      () => live && setState({ url: null, error: true }),
    );
    return () => {
      live = false;
    };
  }, [api, roomId, fileId, thumb, enabled]);
  return state;
}

/** Save a room's file under its name (downloaded with the token, then handed to the browser). */
export async function saveFile(api: Api, roomId: string, fileId: string, name: string): Promise<void> {
  const url = await objectUrl(api, roomId, fileId, false);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

