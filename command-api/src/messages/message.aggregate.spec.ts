import { describe, expect, it } from 'vitest';
import { NatterError, type MessageFacts, type ParsedMentions } from '@natter/contracts';
import { RoomAggregate, type RoomState } from '../rooms/room.aggregate';
import { decideDelete, decideEdit, decideMentions, decidePin, decideReaction, decideThread } from './message.aggregate';

const room = (settings: Partial<RoomState['settings']> = {}): RoomState => ({
  ...RoomAggregate.initial(),
  exists: true,
  roomId: 'r',
  // public: an outsider is told not_member (of a private room they would be told room_not_found)
  visibility: 'public',
  members: { owner: 'owner', admin: 'admin', mod: 'moderator', author: 'member', other: 'member' },
  settings: { editWindowSeconds: null, anyoneCanPin: false, ...settings },
});
const msg = (m: Partial<MessageFacts> = {}): MessageFacts => ({
  seq: 10, messageId: 'm', senderId: 'author', sentAt: '2026-01-01T00:00:00.000Z', threadRootSeq: null, deletedSeq: null, emoji: [], pinned: false, ...m,
});
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as NatterError).code;
  }
  return 'ok';
};
const now = new Date('2026-01-01T00:10:00.000Z');
const noMentions = { userIds: [], room: false, here: false };

describe('message deciders', () => {
  it('edit: the author only, still a member, not deleted, within the edit window', () => {
    const edit = (actor: string, r = room(), m: MessageFacts | null = msg()) => code(() => decideEdit(r, m, { actor, text: 'x', mentions: noMentions, now }));
    expect(edit('author')).toBe('ok');
    for (const a of ['other', 'mod', 'admin', 'owner']) expect(edit(a), a).toBe('forbidden');
    expect(edit('stranger')).toBe('not_member');
    expect(edit('author', { ...room(), exists: false })).toBe('room_not_found');
    expect(edit('author', room(), null)).toBe('message_not_found');
    expect(edit('author', room(), msg({ deletedSeq: 12 }))).toBe('message_deleted');
    expect(edit('author', room({ editWindowSeconds: 600 }))).toBe('ok');
    expect(edit('author', room({ editWindowSeconds: 599 }))).toBe('edit_window_closed');
    expect(decideEdit(room(), msg(), { actor: 'author', text: 'new', mentions: noMentions, now })).toEqual({ type: 'MessageEdited', data: { roomId: 'r', messageSeq: 10, text: 'new', mentions: noMentions } });
  });

  it('delete: the author, a moderator, an admin or the owner; a deleted message answers its first delete', () => {
    for (const a of ['author', 'mod', 'admin', 'owner']) expect(code(() => decideDelete(room(), msg(), a)), a).toBe('ok');
    expect(code(() => decideDelete(room(), msg(), 'other'))).toBe('forbidden');
    expect(code(() => decideDelete(room(), msg(), 'stranger'))).toBe('not_member');
    expect(decideDelete(room(), msg({ deletedSeq: 12 }), 'mod')).toEqual({ already: 12 });
    expect(code(() => decideDelete(room(), msg({ deletedSeq: 12 }), 'other'))).toBe('forbidden');
  });

  it('reactions: members, live messages, at most 20 different emoji (the same one again is fine)', () => {
    const full = msg({ emoji: Array.from({ length: 20 }, (_, i) => `e${i}`) });
    expect(code(() => decideReaction(room(), msg(), { actor: 'other', emoji: 'tada', add: true }))).toBe('ok');
    expect(code(() => decideReaction(room(), full, { actor: 'other', emoji: 'tada', add: true }))).toBe('too_many_reactions');
    expect(code(() => decideReaction(room(), full, { actor: 'other', emoji: 'e3', add: true }))).toBe('ok');
    expect(code(() => decideReaction(room(), full, { actor: 'other', emoji: 'tada', add: false }))).toBe('ok');
    expect(code(() => decideReaction(room(), msg({ deletedSeq: 11 }), { actor: 'other', emoji: 'tada', add: true }))).toBe('message_deleted');
    expect(code(() => decideReaction(room(), msg(), { actor: 'stranger', emoji: 'tada', add: true }))).toBe('not_member');
  });

  it('pins: owners and admins, or anyone when the room allows it', () => {
    for (const a of ['owner', 'admin']) expect(code(() => decidePin(room(), msg(), { actor: a, pin: true })), a).toBe('ok');
    for (const a of ['mod', 'author']) expect(code(() => decidePin(room(), msg(), { actor: a, pin: true })), a).toBe('forbidden');
    expect(code(() => decidePin(room({ anyoneCanPin: true }), msg(), { actor: 'other', pin: false }))).toBe('ok');
    expect(code(() => decidePin(room(), msg({ deletedSeq: 11 }), { actor: 'owner', pin: true }))).toBe('message_deleted');
  });

  it('threads are one level deep: a reply to a reply joins its root; the root must be live', () => {
    expect(decideThread(msg(), null, false)).toEqual({ rootSeq: 10, rootSenderId: 'author', alsoToRoom: false });
    const reply = msg({ seq: 15, senderId: 'other', threadRootSeq: 10 });
    expect(decideThread(reply, msg(), true)).toEqual({ rootSeq: 10, rootSenderId: 'author', alsoToRoom: true });
    expect(code(() => decideThread(null, null, false))).toBe('message_not_found');
    expect(code(() => decideThread(reply, msg({ deletedSeq: 12 }), false))).toBe('message_deleted');
  });

  it('mentions: members become ids, existing non-members are reported, unknown names stay text', () => {
    const parsed: ParsedMentions = { usernames: ['bob', 'carol', 'nobody'], room: true, here: false };
    const r = { ...room(), members: { ...room().members, 'u-bob': 'member' as const } };
    expect(decideMentions(r, parsed, [{ userId: 'u-bob', username: 'Bob' }, { userId: 'u-carol', username: 'carol' }])).toEqual({
      mentions: { userIds: ['u-bob'], room: true, here: false },
      notInRoom: [{ userId: 'u-carol', username: 'carol' }],
    });
  });
});
