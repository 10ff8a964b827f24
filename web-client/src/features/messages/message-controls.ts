import type { Role } from '@natter/contracts/browser';
import { useCallback, useMemo, useState } from 'react';
import { ApiError, describeError } from '../../api/errors';
import { useAuth, useMe } from '../../app/auth';
import { useMembers, useMyRooms, useRoomSettings } from '../../app/queries';
import { newClientId, type MessageItem } from '../../realtime';

/**
 * What a stored message's row may do, for the person looking at it. Changes go over HTTP with a fresh
 * clientOpId per click, reused by its retries (transient errors: the server stores it once); their effect
 * arrives as room events, which the timeline folds in (nothing is changed locally first, so every client
 * shows the same state).
 */
export interface MessageControls {
  readonly me: string;
  readonly editingSeq: number | null;
  readonly canPin: boolean;
  canEdit(m: MessageItem): boolean;
  canDelete(m: MessageItem): boolean;
  startEdit(seq: number): void;
  cancelEdit(): void;
  saveEdit(seq: number, text: string): void;
  react(seq: number, emoji: string, add: boolean): void;
  remove(seq: number): void;
  pin(seq: number, on: boolean): void;
  openThread(seq: number): void;
  openHistory(seq: number): void;
  copyLink(seq: number): void;
  /** How `@name` is drawn: a mention of me, of a member, or plain text. */
  mention(name: string): 'me' | 'user' | null;
}

const MODERATORS: ReadonlySet<Role> = new Set(['owner', 'admin', 'moderator']);
/** Worth asking again (with the same clientOpId, so it is stored once): the server was busy or behind. */
const TRANSIENT = new Set(['projection_lagging', 'unavailable', 'rate_limited', 'conflict', 'internal', 'network']);

/** A change, retried a few times with backoff on transient errors; `run` reuses its clientOpId each time. */
async function withRetries<T>(run: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (e) {
      if (!(e instanceof ApiError && TRANSIENT.has(e.code)) || i >= attempts) throw e;
      await new Promise((r) => setTimeout(r, 500 * 2 ** (i - 1)));
    }
  }
}
const PIN_MANAGERS: ReadonlySet<Role> = new Set(['owner', 'admin']);

/** The room's message controls, and the last failure to show (null: none). */
export function useMessageControls(
  roomId: string,
  opts: { openThread(seq: number): void; openHistory(seq: number): void },
): { controls: MessageControls; notice: string | null; dismiss(): void; say(text: string): void } {
  const { api } = useAuth();
  const me = useMe();
  const role = useMyRooms().data?.find((r) => r.id === roomId)?.role;
  const settings = useRoomSettings(roomId);
  const members = useMembers(roomId);
  const [editingSeq, setEditingSeq] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const usernames = useMemo(() => new Set((members.data ?? []).map((m) => m.username.toLowerCase())), [members.data]);

  const attempt = useCallback((what: string, run: (clientOpId: string) => Promise<unknown>) => {
    const clientOpId = newClientId();
    withRetries(() => run(clientOpId)).catch((e: unknown) => setNotice(`Could not ${what}: ${describeError(e)}`));
  }, []);

  const controls = useMemo<MessageControls>(() => {
    const window = settings.editWindowSeconds;
    return {
      me: me.id,
      editingSeq,
      canPin: Boolean(role && (PIN_MANAGERS.has(role) || settings.anyoneCanPin)),
      canEdit: (m) => m.senderId === me.id && !m.deleted && (window === null || Date.now() - Date.parse(m.at) < window * 1000),
      canDelete: (m) => !m.deleted && (m.senderId === me.id || Boolean(role && MODERATORS.has(role))),
      startEdit: (seq) => setEditingSeq(seq),
      cancelEdit: () => setEditingSeq(null),
      saveEdit: (seq, text) => {
        setEditingSeq(null);
        attempt('edit the message', (op) => api.editMessage(roomId, seq, text, op));
      },
      react: (seq, emoji, add) => attempt(add ? 'react' : 'remove the reaction', (op) => api.react(roomId, seq, emoji, add, op)),
      remove: (seq) => attempt('delete the message', () => api.deleteMessage(roomId, seq)),
      pin: (seq, on) => attempt(on ? 'pin the message' : 'unpin the message', (op) => api.pin(roomId, seq, on, op)),
      openThread: opts.openThread,
      openHistory: opts.openHistory,
      copyLink: (seq) => {
        const link = `${location.origin}/rooms/${encodeURIComponent(roomId)}?m=${seq}`;
        navigator.clipboard?.writeText(link).then(() => setNotice('Link copied.'), () => setNotice(`Link: ${link}`)) ?? setNotice(`Link: ${link}`);
      },
      mention: (name) => (name === me.username.toLowerCase() ? 'me' : usernames.has(name) ? 'user' : null),
    };
  }, [api, attempt, editingSeq, me.id, me.username, opts.openHistory, opts.openThread, role, roomId, settings, usernames]);

  return { controls, notice, dismiss: () => setNotice(null), say: setNotice };
}
