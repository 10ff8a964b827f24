import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

let h: Harness;
let alice: string;
let seqs: number[] = [];

type Page = { messages: { seq: number; roomId: string }[]; hasMore: boolean; asOfSeq: number };

beforeAll(async () => {
  h = await startHarness();
  await h.addUser('alice');
  await h.addRoom('big', 'public', [['alice', 'owner']]);
  await h.addRoom('other', 'public', [['alice', 'owner']]);
  // Interleave another room's messages so that a room's sequences have gaps, as in the real stream.
  for (let i = 0; i < 10; i++) {
    seqs.push(...(await h.addMessages('big', 100)));
    await h.addMessages('other', 7);
  }
  await h.setCheckpoint(h.nextSeq());
  alice = await h.token('alice');
});
afterAll(async () => {
  await h?.close();
});

async function page(query: string): Promise<Page> {
  const r = await h.get(`/api/rooms/big/messages${query}`, alice);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as Page;
}

function assertAscending(list: number[]) {
  for (let i = 1; i < list.length; i++) expect(list[i]).toBeGreaterThan(list[i - 1]);
}

describe('history paging', () => {
  it('newest page: the last `limit` messages ascending, hasMore true', async () => {
    const p = await page('?limit=30');
    expect(p.messages.map((m) => m.seq)).toEqual(seqs.slice(-30));
    expect(p.hasMore).toBe(true);
    expect(p.messages.every((m) => m.roomId === 'big')).toBe(true);
    const dflt = await page('');
    expect(dflt.messages).toHaveLength(50);
  });

  it('walking back with `before` from the newest page yields every message exactly once, in order', async () => {
    const got: number[] = [];
    let p = await page('?limit=37');
    let pages = 1;
    got.unshift(...p.messages.map((m) => m.seq));
    while (p.hasMore) {
      p = await page(`?limit=37&before=${p.messages[0].seq}`);
      pages++;
      assertAscending(p.messages.map((m) => m.seq));
      got.unshift(...p.messages.map((m) => m.seq));
    }
    expect(got).toEqual(seqs);
    expect(pages).toBe(Math.ceil(1000 / 37));
  });

  it('walking forward with `after` from 0 yields every message exactly once, in order', async () => {
    const got: number[] = [];
    let after = 0;
    for (;;) {
      const p = await page(`?limit=200&after=${after}`);
      assertAscending(p.messages.map((m) => m.seq));
      got.push(...p.messages.map((m) => m.seq));
      if (!p.hasMore) break;
      after = p.messages[p.messages.length - 1].seq;
    }
    expect(got).toEqual(seqs);
  });

  it('edges: after the last is empty, before the first is empty, hasMore exact at the boundary', async () => {
    expect(await page(`?after=${seqs[seqs.length - 1]}`)).toMatchObject({ messages: [], hasMore: false });
    expect(await page(`?before=${seqs[0]}`)).toMatchObject({ messages: [], hasMore: false });
    const firstTwo = await page(`?before=${seqs[2]}&limit=2`);
    expect(firstTwo.messages.map((m) => m.seq)).toEqual(seqs.slice(0, 2));
    expect(firstTwo.hasMore).toBe(false);
    const exactlyLast = await page(`?after=${seqs[seqs.length - 4]}&limit=3`);
    expect(exactlyLast.messages.map((m) => m.seq)).toEqual(seqs.slice(-3));
    expect(exactlyLast.hasMore).toBe(false);
  });

  it('paging never skips or repeats while newer messages are being inserted', async () => {
    const initial = [...seqs];
    let stop = false;
    const inserted: number[] = [];
    const inserter = (async () => {
      while (!stop) {
        // The projector's shape: rows and checkpoint in order, newer messages get higher sequences.
        inserted.push(...(await h.addMessages('big', 5)));
        await h.setCheckpoint(h.nextSeq());
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    try {
      // Backwards from a newest page taken now: exactly the messages up to that page, whatever arrives later.
      let p = await page('?limit=50');
      const newestSeen = p.messages[p.messages.length - 1].seq;
      const back: number[] = p.messages.map((m) => m.seq);
      while (p.hasMore) {
        p = await page(`?limit=50&before=${p.messages[0].seq}`);
        back.unshift(...p.messages.map((m) => m.seq));
      }
      assertAscending(back);
      expect(back.slice(0, initial.length)).toEqual(initial);
      // Forwards from the middle, chasing the inserter: strictly ascending, no gaps against what is stored.
      const fwd: number[] = [];
      let after = initial[500];
      for (let i = 0; i < 200; i++) {
        const q = await page(`?limit=20&after=${after}`);
        fwd.push(...q.messages.map((m) => m.seq));
        if (q.messages.length) after = q.messages[q.messages.length - 1].seq;
        if (!q.hasMore && i > 20) break;
      }
      stop = true;
      await inserter;
      // Drain what arrived after the loop ended.
      for (;;) {
        const q = await page(`?limit=200&after=${after}`);
        fwd.push(...q.messages.map((m) => m.seq));
        if (!q.messages.length) break;
        after = q.messages[q.messages.length - 1].seq;
      }
      assertAscending(fwd);
      const all = [...initial, ...inserted];
      expect(fwd).toEqual(all.slice(501));
      expect(back).toEqual(all.filter((s) => s <= newestSeen));
      expect(inserted.length).toBeGreaterThan(0);
    } finally {
      stop = true;
      await inserter;
    }
  });

  it('a page is one primary-key range scan (the plan uses messages_pkey)', async () => {
    const { sql } = await import('kysely');
    const plan = await sql<{ 'QUERY PLAN': string }>`explain select * from ${sql.id(h.schema, 'messages')} where room_id = 'big' and seq < 500 order by room_id desc, seq desc limit 51`.execute(h.db);
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan Backward using messages_pkey/);
  });
});
