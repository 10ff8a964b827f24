import { describe, expect, it } from 'vitest';
import { applyToThread, emptyThread, mergeThreadPage } from './threads';
import { message, messageEvent } from './testing';

const view = (seq: number, text: string, extra: object = {}) => ({
  ...message('r', seq, text), senderName: 'Bob', inRoom: false, threadRootSeq: 1, mentions: { userIds: [], room: false, here: false },
  edited: null, deleted: null, replies: null, reactions: [], pinned: null, attachments: [], ...extra,
});
const reply = (seq: number, rootSeq = 1) => ({ ...messageEvent('r', `live ${seq}`), data: { roomId: 'r', messageId: `m${seq}`, senderId: 'bob', clientMsgId: `c${seq}`, text: `live ${seq}`, thread: { rootSeq, rootSenderId: 'bob', alsoToRoom: false } } });

describe('threads', () => {
  it('a page, then live replies and changes; replies of other threads and replays are ignored', () => {
    let t = mergeThreadPage(emptyThread('r', 1), { root: view(1, 'root', { threadRootSeq: null, inRoom: true, replies: { count: 1, lastSeq: 5, lastAt: '' } }), replies: [view(5, 'first')], hasMore: false, asOfSeq: 6 }, 'newest');
    t = applyToThread(t, 5, reply(5)); // already in the page
    t = applyToThread(t, 7, reply(7));
    t = applyToThread(t, 8, reply(8, 99));
    t = applyToThread(t, 9, { id: 'e9', type: 'MessageEdited', v: 1, at: '', actor: 'bob', data: { roomId: 'r', messageSeq: 7, text: 'edited', mentions: { userIds: [], room: false, here: false } } });
    expect(t.replies.map((r) => [r.seq, r.text])).toEqual([[5, 'first'], [7, 'edited']]);
    expect(t.root).toMatchObject({ replies: { count: 2, lastSeq: 7 } });
    expect(t.hasOlder).toBe(false);
  });
});
