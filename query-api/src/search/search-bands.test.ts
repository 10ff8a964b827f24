import { createReadModelSchema } from '@natter/infra/provision';
import { createKysely, type ReadModelDB } from '@natter/infra/runtime';
import { createTestDatabase, type TestDatabase } from '@natter/infra/testing';
import { NatterError, SearchQuery, type SearchResponse } from '@natter/contracts';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../http/auth';
import type { ReadModelReader } from '../read-model/reader';
import { SearchService } from './search.service';

/**
 * Search bands on real Postgres (a throwaway database, the read-model schema as migrations build it): with a
 * band width of 50 seqs, 3,000 messages span 4 bands, and paging through every page must give every message
 * the caller can read exactly once, none they cannot, in the documented order (band, newest first; then rank;
 * then seq), which the test computes on its own from one global query. The service is the real one; the
 * reader is a plain REPEATABLE READ transaction on the schema.
 */
const schema = 'rm_bands';
const width = 50;
const messages = 3000;
const head = messages + 5; // the checkpoint is past the last message: other events come after it
let tdb: TestDatabase;
let db: Kysely<ReadModelDB>;
let service: SearchService;

const caller = (userId: string): Caller => ({ userId, sessionId: 's', username: userId, admin: false });
const reader = {
  read: async (_opts: unknown, fn: (q: unknown) => Promise<unknown>) => ({
    asOfSeq: 0,
    value: await db.transaction().setIsolationLevel('repeatable read').execute((tx) => fn(tx.withSchema(schema))),
  }),
} as unknown as ReadModelReader;

/** Text of message `seq`: `alpha` 1 to 3 times (so ranks differ), `gamma` only in the oldest 300, `beta` never. */
function textOf(seq: number): string {
  const words = [`w${seq}`, ...Array(1 + (seq % 3)).fill('alpha'), `x${seq % 7}`, 'filler', 'words', 'here'];
  if (seq <= 300) words.push('gamma');
  if (seq % 10 === 0) words.push('https://example.com/x');
  return words.join(' ');
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = createKysely<ReadModelDB>(tdb.url, 2);
  await createReadModelSchema(db, schema);
  const s = (t: string) => sql.raw(`${schema}.${t}`);
  await sql`insert into ${s('users')} (id, username, username_lower, display_name, email, registered_seq, updated_seq)
    values ('ada', 'ada', 'ada', 'Ada', 'a@x', 1, 1), ('bob', 'bob', 'bob', 'Bob', 'b@x', 1, 1), ('dee', 'dee', 'dee', 'Dee', 'd@x', 1, 1)`.execute(db);
  // r0..r3 ada's (r3 deleted since), r4 not hers, r5 bob's only, r6 dee's only (a few messages, below).
  await sql`insert into ${s('rooms')} (id, name, topic, visibility, created_by, created_at, created_seq, last_seq, deleted)
    select 'r' || i, 'room-' || i, '', 'public', 'ada', now(), 1, 1, i = 3 from generate_series(0, 6) i`.execute(db);
  await sql`insert into ${s('room_members')} (room_id, user_id, role, joined_seq)
    values ('r0', 'ada', 'owner', 1), ('r1', 'ada', 'owner', 1), ('r2', 'ada', 'owner', 1), ('r3', 'ada', 'owner', 1), ('r4', 'bob', 'owner', 1), ('r0', 'bob', 'member', 1), ('r5', 'bob', 'owner', 1), ('r6', 'dee', 'owner', 1)`.execute(db);
  const rows = Array.from({ length: messages }, (_, i) => {
    const seq = i + 1;
    return { room_id: `r${seq % 6}`, seq, sender_id: seq % 4 === 0 ? 'bob' : 'ada', sent_at: new Date(Date.UTC(2026, 0, 1) + seq * 60_000), thread_root_seq: seq % 9 === 0 ? seq - 1 : null, text: textOf(seq), has_link: seq % 10 === 0, deleted: seq % 13 === 0 };
  });
  // dee's room: 7 messages among everyone else's, in every band (the test's rows share seqs with other rooms').
  for (const seq of [7, 100, 400, 1500, 2300, 2600, 2990]) rows.push({ ...rows[seq - 1], room_id: 'r6', text: `alpha dee ${seq}`, has_link: false, deleted: false, thread_root_seq: null });
  for (let i = 0; i < rows.length; i += 500) await db.withSchema(schema).insertInto('search_messages').values(rows.slice(i, i + 500)).execute();
  await sql`update ${s('search_messages')} set text = '' where deleted`.execute(db);
  await sql`insert into ${s('checkpoint')} (projection, last_seq) values ('search', ${head}), ('chat', ${head})`.execute(db);
  await sql`analyze ${s('search_messages')}`.execute(db);
  service = new SearchService(reader, 1000, width);
}, 60_000);

afterAll(async () => {
  await db?.destroy();
  await tdb?.drop();
});

/** Every page of q, following nextCursor; the hits of each page. */
async function allPages(userId: string, q: string, limit: number, first?: string): Promise<SearchResponse['items'][]> {
  const pages: SearchResponse['items'][] = [];
  let cursor = first;
  for (let i = 0; i < 2000; i++) {
    const r = await service.search(caller(userId), SearchQuery.parse({ q, limit, cursor }));
    pages.push(r.items);
    if (!r.nextCursor) return pages;
    expect(r.items.length).toBe(limit);
    cursor = r.nextCursor;
  }
  throw new Error('no last page');
}

/** The band of a seq by the definition (docs/architecture.md "Bands"), independently of search-bands.ts. */
function band(seq: number, h = head): number {
  let k = 0;
  while (!(seq > h - width * 4 ** k)) k++;
  return k;
}

/** What the caller may find for `where` (SQL on m), ranked by one global query, in the documented order. */
async function expected(userId: string, words: string | null, where = sql`true`, h = head): Promise<number[]> {
  return (await ranked(userId, words, where, h)).map((x) => x.seq);
}

async function ranked(userId: string, words: string | null, where = sql`true`, h = head): Promise<{ seq: number; rank: number }[]> {
  const s = (t: string) => sql.raw(`${schema}.${t}`);
  const rank = words ? sql`ts_rank(m.tsv, websearch_to_tsquery('english', ${words}))` : sql`0::real`;
  const r = await sql<{ seq: number; rank: number }>`select m.seq, ${rank} as rank from ${s('search_messages')} m
    join ${s('room_members')} mine on mine.room_id = m.room_id and mine.user_id = ${userId}
    join ${s('rooms')} r on r.id = m.room_id and not r.deleted
    where not m.deleted and m.seq <= ${h} and ${words ? sql`m.tsv @@ websearch_to_tsquery('english', ${words})` : sql`true`} and ${where}`.execute(db);
  return r.rows
    .map((x) => ({ seq: Number(x.seq), rank: Number(x.rank) }))
    .sort((a, b) => band(a.seq, h) - band(b.seq, h) || b.rank - a.rank || b.seq - a.seq);
}

const seqs = (pages: SearchResponse['items'][]) => pages.flat().map((h) => h.seq);
const cursor = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('search bands (real Postgres, band width 50, 3,000 messages in 4 bands)', () => {
  it('pages across band boundaries give every readable match exactly once, in band, rank, seq order', async () => {
    const want = await expected('ada', 'alpha');
    expect(new Set(want.map((s) => band(s))).size).toBe(4);
    for (const limit of [7, 20, 50]) {
      const pages = await allPages('ada', 'alpha', limit);
      expect(seqs(pages)).toEqual(want);
      expect(new Set(seqs(pages)).size).toBe(want.length);
    }
    // The first page: band 0's best, the highest rank first (alpha 3 times), newest first among equals.
    const first = (await allPages('ada', 'alpha', 7))[0];
    expect(first.every((h) => h.seq > head - width)).toBe(true);
    expect(first[0].rank).toBeGreaterThan(first[first.length - 1].rank);
    // Never a room the caller is not in now, nor a deleted room or message.
    const readable = new Set(['r0', 'r1', 'r2']);
    expect(seqs(await allPages('ada', 'alpha', 50)).every((s) => readable.has(`r${s % 6}`) && s % 13 !== 0)).toBe(true);
    // Another person's view: bob's rooms only.
    expect(seqs(await allPages('bob', 'alpha', 20))).toEqual(await expected('bob', 'alpha'));
    // dee reads 7 of ~3,000 matches, all of which are ranked: a page of 5 takes band 0, the bands that the
    // statement's budget reaches, and a second statement for the rest.
    expect(seqs(await allPages('dee', 'alpha', 5))).toEqual([2990, 2600, 2300, 1500, 400, 100, 7]);
    expect(seqs(await allPages('dee', 'alpha', 5))).toEqual(await expected('dee', 'alpha'));
  });

  it('words only in old bands, no match at all, filters with words, and filters alone', async () => {
    // gamma: only in seqs 1-300, the last band; the newer bands are read and found empty.
    expect(seqs(await allPages('ada', 'gamma', 9))).toEqual(await expected('ada', 'gamma'));
    expect(await allPages('ada', 'beta', 9)).toEqual([[]]);
    expect(seqs(await allPages('ada', 'alpha has:link', 6))).toEqual(await expected('ada', 'alpha', sql`m.has_link`));
    expect(seqs(await allPages('ada', 'alpha is:thread -x3', 11))).toEqual(await expected('ada', 'alpha -x3', sql`m.thread_root_seq is not null`));
    expect(seqs(await allPages('ada', 'alpha in:#room-1 from:@bob', 5))).toEqual(await expected('ada', 'alpha', sql`m.room_id = 'r1' and m.sender_id = 'bob'`));
    // Without words: newest first, which is the bands' order.
    const links = seqs(await allPages('ada', 'has:link', 13));
    expect(links).toEqual(await expected('ada', null, sql`m.has_link`));
    expect(links).toEqual([...links].sort((a, b) => b - a));
  });

  it('messages indexed after the first page do not move the later pages; a new search finds them first', async () => {
    const before = await allPages('ada', 'alpha', 20);
    const firstPage = await service.search(caller('ada'), SearchQuery.parse({ q: 'alpha', limit: 20 }));
    const s = (t: string) => sql.raw(`${schema}.${t}`);
    await db.withSchema(schema).insertInto('search_messages').values(
      Array.from({ length: 40 }, (_, i) => ({ room_id: 'r0', seq: head + 1 + i, sender_id: 'ada', sent_at: new Date(), thread_root_seq: null, text: 'alpha alpha alpha late', has_link: false })),
    ).execute();
    await sql`update ${s('checkpoint')} set last_seq = ${head + 50}`.execute(db);
    try {
      const rest = await allPages('ada', 'alpha', 20, firstPage.nextCursor!);
      expect([...firstPage.items, ...rest.flat()].map((h) => h.seq)).toEqual(seqs(before));
      const now = await service.search(caller('ada'), SearchQuery.parse({ q: 'alpha', limit: 20 }));
      expect(now.items.every((h) => h.seq > head)).toBe(true);
      expect(now.asOfSeq).toBe(head + 50);
      expect(seqs(await allPages('ada', 'alpha', 50))).toEqual(await expected('ada', 'alpha', sql`true`, head + 50));
    } finally {
      await sql`delete from ${s('search_messages')} where seq > ${head}`.execute(db);
      await sql`update ${s('checkpoint')} set last_seq = ${head}`.execute(db);
    }
  });

  it('a page after a cursor on a band boundary continues exactly there', async () => {
    const all = await ranked('ada', 'alpha');
    const ranks = [...new Set(all.map((x) => x.rank))];
    for (const b of [head - width, head - 4 * width, head - 16 * width]) {
      for (const rank of [...ranks, 0]) {
        // After (b, rank) in the documented order: a later band, or the same band and a lower (rank, seq).
        const after = all.filter((x) => (band(x.seq) - band(b) || rank - x.rank || b - x.seq) > 0);
        const page = await service.search(caller('ada'), SearchQuery.parse({ q: 'alpha', limit: 10, cursor: cursor(`${head}:${width}:${rank}:${b}`) }));
        expect(page.items.map((h) => h.seq), `${b} ${rank}`).toEqual(after.slice(0, 10).map((x) => x.seq));
      }
    }
  });

  it('a cursor naming other bands (another width) is followed; a made-up one is 400, not 500', async () => {
    // width 1 below a head of 2^53 - 1: ~27 bands, all but the last empty; answered, not an error.
    const far = await service.search(caller('ada'), SearchQuery.parse({ q: 'alpha', limit: 5, cursor: cursor('9007199254740991:1:1:9007199254740991') }));
    expect(far.items.length).toBe(5);
    for (const text of ['100:0:0.1:5', `${head}:50:0.1:${head + 1}`, `${head}:50:1e39:5`, 'nope']) {
      const err = await service.search(caller('ada'), SearchQuery.parse({ q: 'alpha', cursor: cursor(text) })).catch((e: unknown) => e);
      expect(err, text).toBeInstanceOf(NatterError);
      expect((err as NatterError).code).toBe('validation_failed');
    }
  });
});
