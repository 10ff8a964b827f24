import { describe, expect, it } from 'vitest';
import { decideRecipients, excerptOf, newFollowers, type Candidate } from './decide';

const c = (userId: string, o: Partial<Candidate> = {}): Candidate => ({ userId, level: 'mentions', roomLevel: null, roomMuted: false, threadMuted: false, followsThread: false, ...o });
const msg = (o: object = {}) => ({ roomId: 'r', messageId: 'm', senderId: 'ann', clientMsgId: 'x', text: 'hi', ...o });

describe('decideRecipients', () => {
  it('never notifies the sender, and a plain message only those set to "all"', () => {
    const r = decideRecipients(msg(), false, [c('ann', { level: 'all' }), c('bob'), c('cat', { level: 'all' })]);
    expect(r).toEqual([{ userId: 'cat', kind: 'message' }]);
  });
  it('mentions, @room, replies and followed threads reach "mentions" users; "nothing" and muted get none', () => {
    const m = msg({ mentions: { userIds: ['bob'], room: false, here: false } });
    expect(decideRecipients(m, false, [c('bob'), c('cat'), c('dan', { level: 'nothing' })])).toEqual([{ userId: 'bob', kind: 'mention' }]);
    const all = msg({ mentions: { userIds: [], room: true, here: false } });
    expect(decideRecipients(all, false, [c('bob'), c('cat', { roomMuted: true })])).toEqual([{ userId: 'bob', kind: 'room_mention' }]);
    const reply = msg({ thread: { rootSeq: 5, rootSenderId: 'bob', alsoToRoom: false } });
    expect(decideRecipients(reply, false, [c('bob'), c('cat', { followsThread: true }), c('dan', { followsThread: true, threadMuted: true })])).toEqual([
      { userId: 'bob', kind: 'reply' },
      { userId: 'cat', kind: 'thread' },
    ]);
  });
  it('a DM notifies every other member unless muted; the room level overrides the user level', () => {
    expect(decideRecipients(msg(), true, [c('bob'), c('cat', { roomMuted: true })])).toEqual([{ userId: 'bob', kind: 'dm' }]);
    expect(decideRecipients(msg(), false, [c('bob', { roomLevel: 'all' }), c('cat', { level: 'all', roomLevel: 'nothing' })])).toEqual([{ userId: 'bob', kind: 'message' }]);
  });
  it('a reply makes its author, the root author and the people it mentions follow the thread', () => {
    expect(newFollowers(msg({ thread: { rootSeq: 5, rootSenderId: 'bob', alsoToRoom: false }, mentions: { userIds: ['cat'], room: false, here: false } })).sort()).toEqual(['ann', 'bob', 'cat']);
    expect(newFollowers(msg())).toEqual([]);
  });
});

describe('excerptOf (what the bell and the mails show of a message)', () => {
  it('shows the words, not the Markdown', () => {
    expect(excerptOf('Hey @bob can you check the **build** and _the_ `logs`?')).toBe('Hey @bob can you check the build and the logs?');
    expect(excerptOf('> quoted\n- one\n- two\n1. first')).toBe('quoted one two first');
    expect(excerptOf('see [the docs](https://example.org/docs) ~~now~~')).toBe('see the docs now');
    expect(excerptOf('```\nnpm test\n```')).toBe('npm test');
  });
  it('keeps underscores and stars that are not marks', () => {
    expect(excerptOf('ping @bob_smith about snake_case_names')).toBe('ping @bob_smith about snake_case_names');
    expect(excerptOf('2 * 3 = 6')).toBe('2 * 3 = 6');
  });
});
