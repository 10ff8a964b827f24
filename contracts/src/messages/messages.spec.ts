import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Commands } from '../commands/catalog';
import { ClientFrame } from '../ws/frames';
import { CommandFrames } from '../ws/command-frames';
import { ReactionBody } from '../api/message-changes';
import { Emoji, EmojiNames, isEmojiName } from './emoji';
import { foldMessage, messageTarget, NoMentions, type MessageEventLike, type MessageState } from './fold';
import { parseMentions } from './mentions';
import { contentOf, redactContent } from './redaction';

describe('parseMentions', () => {
  it('finds @usernames, @room and @here, lowercased and distinct, outside code, emails and paths', () => {
    const text = 'hi @Alice and @bob_2, @alice again; @room! ask @here. mail ann@example.com, see /docs/@x or `@carol` or\n```\n@dave\n```\n@toolongname_toolongname_toolongname_x @ab';
    expect(parseMentions(text)).toEqual({ usernames: ['alice', 'bob_2'], room: true, here: true });
    expect(parseMentions('nobody here')).toEqual({ usernames: [], room: false, here: false });
  });

  it('counts at most Limits.mentionsMax distinct names', () => {
    const text = Array.from({ length: 60 }, (_, i) => `@user${i}`).join(' ');
    expect(parseMentions(text).usernames).toHaveLength(50);
  });
});

describe('emoji', () => {
  it('has names that are safe in URLs and keys, one glyph each, and refuses unknown ones', () => {
    expect(EmojiNames.length).toBeGreaterThan(150);
    for (const n of EmojiNames) expect(n).toMatch(/^[a-z0-9_]+$/);
    expect(Emoji.tada).toBe('🎉');
    expect(isEmojiName('thumbsup')).toBe(true);
    expect(isEmojiName('toString')).toBe(false);
    expect(ReactionBody.safeParse({ clientOpId: 'c1', emoji: 'not_an_emoji' }).success).toBe(false);
  });
});

describe('command frames', () => {
  it('are exactly their command input plus type and id', () => {
    const options = (ClientFrame as unknown as { options: z.ZodObject[] }).options;
    for (const [type, name] of Object.entries(CommandFrames)) {
      const frame = options.find((o) => (o.shape.type as z.ZodLiteral).value === type)!;
      expect(Object.keys(frame.shape).sort(), type).toEqual([...Object.keys((Commands[name].input as z.ZodObject).shape), 'type', 'id'].sort());
    }
    const edit = ClientFrame.safeParse({ type: 'edit', id: '1', roomId: 'r', messageSeq: 7, clientOpId: 'op1', text: 'new' });
    expect(edit.success && edit.data).toMatchObject({ messageSeq: 7 });
  });
});

describe('foldMessage: the one rule for a message and its changes', () => {
  const base: MessageState = { seq: 10, text: 'hello', mentions: NoMentions, edited: null, deleted: null, replies: null, reactions: [], pinned: null };
  const ev = (type: string, data: object, at = '2026-01-01T00:00:00.000Z') => ({ type, at, data: { roomId: 'r', messageSeq: 10, ...data } });
  const fold = (events: [number, MessageEventLike][]) => events.reduce((m, [seq, e]) => foldMessage(m, seq, e), base);

  it('edits, reacts as a set (users in order, groups in emoji order), pins once', () => {
    const m = fold([
      [11, ev('MessageEdited', { text: 'hello @bob', mentions: { userIds: ['bob'], room: false, here: false } })],
      [12, ev('ReactionAdded', { userId: 'u1', emoji: 'tada' })],
      [13, ev('ReactionAdded', { userId: 'u2', emoji: 'thumbsup' })],
      [14, ev('ReactionAdded', { userId: 'u1', emoji: 'tada' })],
      [15, ev('ReactionAdded', { userId: 'u3', emoji: 'tada' })],
      [16, ev('ReactionRemoved', { userId: 'u9', emoji: 'tada' })],
      [17, ev('MessagePinned', { pinnedBy: 'u1' })],
      [18, ev('MessagePinned', { pinnedBy: 'u2' })],
    ]);
    expect(m).toMatchObject({ text: 'hello @bob', edited: { seq: 11 }, pinned: { by: 'u1', seq: 17 } });
    expect(m.reactions).toEqual([
      { emoji: 'thumbsup', count: 1, userIds: ['u2'] },
      { emoji: 'tada', count: 2, userIds: ['u1', 'u3'] },
    ]);
  });

  it('a delete is a tombstone nothing changes afterwards, except the thread count (replies stay)', () => {
    const m = fold([
      [11, ev('ReactionAdded', { userId: 'u1', emoji: 'tada' })],
      [12, ev('MessageDeleted', { deletedBy: 'mod' })],
      [13, ev('MessageEdited', { text: 'too late', mentions: NoMentions })],
      [14, ev('ReactionAdded', { userId: 'u2', emoji: 'tada' })],
      [15, ev('MessagePinned', { pinnedBy: 'u1' })],
      [16, ev('MessageDeleted', { deletedBy: 'author' })],
      [17, { type: 'MessageSent', at: '2026-01-02T00:00:00.000Z', data: { roomId: 'r', thread: { rootSeq: 10, rootSenderId: 'a', alsoToRoom: false } } }],
    ]);
    expect(m).toEqual({ ...base, text: '', deleted: { seq: 12, by: 'mod', at: '2026-01-01T00:00:00.000Z' }, replies: { count: 1, lastSeq: 17, lastAt: '2026-01-02T00:00:00.000Z' } });
  });

  it('names the message an event changes, and blanks content for redaction', () => {
    expect(messageTarget(ev('ReactionAdded', { userId: 'u', emoji: 'x' }))).toBe(10);
    expect(messageTarget({ type: 'MessageSent', at: '', data: { thread: { rootSeq: 3 } } })).toBe(3);
    expect(messageTarget({ type: 'MessageSent', at: '', data: {} })).toBeNull();
    expect(contentOf(20, { type: 'MessageSent', data: {} })).toBe(20);
    expect(contentOf(20, ev('MessageEdited', {}))).toBe(10);
    expect(contentOf(20, ev('ReactionAdded', {}))).toBeNull();
    const sent = { type: 'MessageSent', data: { text: 'secret', mentions: { userIds: ['u'], room: true, here: false }, senderId: 's' } };
    expect(redactContent(sent)).toEqual({ type: 'MessageSent', data: { text: '', mentions: NoMentions, senderId: 's' } });
    expect(sent.data.text).toBe('secret');
  });
});
