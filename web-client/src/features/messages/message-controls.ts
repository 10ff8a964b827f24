import type { Role } from '@natter/contracts/browser';
import { useCallback, useMemo, useState } from 'react';
import { describeError } from '../../api/errors';
import { useAuth, useMe } from '../../app/auth';
import { useMembers, useMyRooms, useRoomSettings } from '../../app/queries';
import { newClientId, type MessageItem } from '../../realtime';

/**
 * What a stored message's row may do, for the person looking at it. Changes go over HTTP with a fresh
 * clientOpId each (a retry of the same click would reuse it); their effect arrives as room events, which the
 * timeline folds in (nothing is changed locally first, so every client shows the same state).
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

  const attempt = useCallback((what: string, p: Promise<unknown>) => {
    p.catch((e: unknown) => setNotice(`Could not ${what}: ${describeError(e)}`));
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
        attempt('edit the message', api.editMessage(roomId, seq, text, newClientId()));
      },
      react: (seq, emoji, add) => attempt(add ? 'react' : 'remove the reaction', api.react(roomId, seq, emoji, add, newClientId())),
      remove: (seq) => attempt('delete the message', api.deleteMessage(roomId, seq)),
      pin: (seq, on) => attempt(on ? 'pin the message' : 'unpin the message', api.pin(roomId, seq, on, newClientId())),
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
