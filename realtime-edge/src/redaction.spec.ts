import type { StoredEvent } from '@natter/contracts';
import { describe, expect, it } from 'vitest';
import type { RawEvent } from './ports';
import { REDACTION_CHUNK, redactDeleted } from './redaction';

const msg = 'ev.room.r.msg';
const sent = (seq: number): StoredEvent => ({ seq, subject: msg, id: `e${seq}`, type: 'MessageSent', v: 1, at: '', actor: 'x', data: { roomId: 'r', messageId: `m${seq}`, senderId: 'x', clientMsgId: `c${seq}`, text: `secret ${seq}` } });
const edited = (seq: number, of: number): StoredEvent => ({ seq, subject: msg, id: `e${seq}`, type: 'MessageEdited', v: 1, at: '', actor: 'x', data: { roomId: 'r', messageSeq: of, text: `edit ${seq}`, mentions: { userIds: ['u'], room: false, here: false } } });
const deleted = (seq: number, of: number): StoredEvent => ({ seq, subject: msg, id: `e${seq}`, type: 'MessageDeleted', v: 1, at: '', actor: 'x', data: { roomId: 'r', messageSeq: of, deletedBy: 'x' } });

async function run(events: StoredEvent[], gone: number[]) {
  const bySeq = new Map(events.map((e) => [e.seq, e]));
  const asked: number[][] = [];
  const source = (async function* () {
    for (const e of events) yield { seq: e.seq, subject: e.subject, data: new Uint8Array() } satisfies RawEvent;
  })();
  const lookup = { deletedAmong: async (_r: string, seqs: number[], minSeq: number) => (asked.push(seqs), expect(minSeq).toBe(999), seqs.filter((s) => gone.includes(s))) };
  let redactions = 0;
  const out: (StoredEvent | null)[] = [];
  for await (const ev of redactDeleted(source, (raw) => bySeq.get(raw.seq) ?? null, 'r', 999, lookup, () => redactions++)) out.push(ev);
  return { out, asked, redactions };
}

describe('redactDeleted', () => {
  it('blanks the text of deleted messages (sent and edited), in order, asking once per chunk', async () => {
    const { out, asked, redactions } = await run([sent(1), sent(2), edited(3, 1), edited(4, 2), deleted(5, 1)], [1]);
    expect(out.map((e) => [e!.seq, (e!.data as { text?: string }).text])).toEqual([[1, ''], [2, 'secret 2'], [3, ''], [4, 'edit 4'], [5, undefined]]);
    expect((out[2]!.data as { mentions: unknown }).mentions).toEqual({ userIds: [], room: false, here: false });
    expect(asked).toEqual([[1, 2]]);
    expect(redactions).toBe(2);
  });

  it('asks nothing for a range without message content, and reads in bounded chunks', async () => {
    expect((await run([deleted(5, 1)], [1])).asked).toEqual([]);
    const many = Array.from({ length: REDACTION_CHUNK + 10 }, (_, i) => sent(i + 1));
    const { asked } = await run(many, []);
    expect(asked.map((a) => a.length)).toEqual([REDACTION_CHUNK, 10]);
  });
});
