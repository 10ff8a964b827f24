import { HighlightStart, HighlightStop, type ParsedSearchQuery } from '@natter/contracts';
import { SEARCH_PROJECTION } from '@natter/infra/runtime';
import { sql, type RawBuilder } from 'kysely';
import type { ReadScope } from '../read-model/scope';
import { bandGroup, bandOf, type Band } from './search-bands';

/**
 * Where a page ends: the bands of the query (head, width: search-bands.ts, fixed by its first page) and the
 * last hit's rank (a float4, exact through its text form) and seq.
 */
export interface SearchCursor {
  head: number;
  width: number;
  rank: number;
  seq: number;
}

/** Which page: the first (head, width of the bands; no `after`) or the one after a cursor. */
export type SearchPage = Omit<SearchCursor, 'rank' | 'seq'> & { after: { rank: number; seq: number } | null };

export interface SearchRow {
  room_id: string;
  seq: string | number;
  thread_root_seq: string | number | null;
  sender_id: string;
  sent_at: Date | string;
  edited: boolean;
  room_name: string;
  room_kind: string;
  username: string | null;
  display_name: string | null;
  rank: number;
  snippet: string;
}

/**
 * ts_headline options: markers that message text cannot contain (contracts' Text), around every match of the
 * whole text. HighlightAll keeps the text as written (the fragment mode drops anything that looks like an HTML
 * tag, and a snippet must show what was said); contracts' snippetSegments cuts the window around the first match.
 */
const headlineOptions = `StartSel=${HighlightStart}, StopSel=${HighlightStop}, HighlightAll=true`;

/**
 * The search index (`search_messages`, written by the search projection) joined, in the same snapshot, with
 * the chat tables for authorization and names. Authorization is a join on the caller's CURRENT memberships
 * (`room_members`, deleted rooms left out): a message of a room the caller left or was removed from is never
 * returned, and a direct message only to its members.
 *
 * Order: by band (search-bands.ts: seq ranges below the head, newest first), inside a band by `ts_rank` then
 * newest first; keyset-paged on (band, rank, seq). Only the matches of the bands a page needs are ranked, so
 * the cost follows them, not every match of the words. A query without words ranks
 * nothing (rank 0): its order is newest first, the same order the bands give, in one statement.
 * Snippets (`ts_headline`) are computed for the page's rows only.
 */
export class SearchRepository {
  /** The search projection's checkpoint in this snapshot (0: it has never run on this schema). */
  async checkpoint(q: ReadScope): Promise<number> {
    const row = await q.selectFrom('checkpoint').select('last_seq').where('projection', '=', SEARCH_PROJECTION).executeTakeFirst();
    return Number(row?.last_seq ?? 0);
  }

  /**
   * Up to limit + 1 rows (one more says there is a next page), band after band in the caller's snapshot: the
   * first statement reads the cursor's band (band 0 on a first page), each further one the next bands, as
   * many as the matches per seq found so far say are worth reading at once (search-bands.ts).
   */
  async search(q: ReadScope, userId: string, p: ParsedSearchQuery, page: SearchPage, limit: number): Promise<SearchRow[]> {
    if (p.words.trim() === '') return (await this.inBands(q, userId, p, [{ k: 0, lo: 0, hi: page.head, last: true }], page.after, limit + 1)).rows;
    const rows: SearchRow[] = [];
    let k = page.after ? bandOf(page.head, page.width, page.after.seq) : 0;
    let seqs = 0;
    let candidates = 0;
    for (;;) {
      // Matches (readable or not: all are ranked) per seq so far; +1: no match yet does not mean none below.
      const bands = bandGroup(page.head, page.width, k, seqs > 0 ? (candidates + 1) / seqs : null);
      const got = await this.inBands(q, userId, p, bands, seqs === 0 ? page.after : null, limit + 1 - rows.length);
      rows.push(...got.rows);
      const last = bands[bands.length - 1];
      if (rows.length > limit || last.last) return rows;
      seqs += bands[0].hi - last.lo;
      candidates += got.candidates;
      k = last.k + 1;
    }
  }

  /**
   * The best `n` matches the caller may read in consecutive bands, band by band, after (rank, seq) when given,
   * and how many matches those bands hold (with words; readable or not): one statement.
   */
  private async inBands(q: ReadScope, userId: string, p: ParsedSearchQuery, bands: Band[], after: { rank: number; seq: number } | null, n: number): Promise<{ rows: SearchRow[]; candidates: number }> {
    const hasWords = p.words.trim() !== '';
    const tsq = sql`websearch_to_tsquery('english', ${p.words})`;
    const rank: RawBuilder<number> = hasWords ? sql<number>`ts_rank(m.tsv, ${tsq})` : sql<number>`0::real`;
    // The band's matches, by the word index (GIN) and a seq range (search_messages_seq_idx, or the has:link
    // one), ANDed as bitmaps before any row is read, and the filters on the message itself. With words it is
    // MATERIALIZED: otherwise the planner walks each of the caller's rooms by primary key and tests every
    // message's tsvector (seen: 250 ms at 100k messages for a word in one message); this way the cost follows
    // the band's matches, not the number of messages. Without words the order is seq alone, and the planner
    // walks the seq index newest first and stops at the page.
    const matched = q
      .selectFrom('search_messages as m')
      // No text here: every match is materialized, and only the page's rows need it (the snippet, below).
      .select(['m.room_id', 'm.seq', 'm.thread_root_seq', 'm.sender_id', 'm.sent_at'])
      .select([sql<boolean>`m.edited_seq is not null`.as('edited'), rank.as('rank')])
      .where('m.deleted', '=', false)
      .select(bandOfRow(bands).as('band'))
      .where('m.seq', '>', bands[bands.length - 1].lo)
      .where('m.seq', '<=', bands[0].hi)
      .$if(hasWords, (b) => b.where(sql<boolean>`m.tsv @@ ${tsq}`))
      .$if(p.from.length > 0, (b) => b.where('m.sender_id', 'in', (eb) => eb.selectFrom('users').select('id').where('username_lower', 'in', p.from)))
      .$if(p.rooms.length > 0, (b) => b.where('m.room_id', 'in', (eb) => eb.selectFrom('rooms').select('id').where(sql<string>`lower(name)`, 'in', p.rooms)))
      .$if(p.before !== null, (b) => b.where('m.sent_at', '<', p.before!))
      .$if(p.after !== null, (b) => b.where('m.sent_at', '>=', p.after!))
      .$if(p.hasLink, (b) => b.where('m.has_link', '=', true))
      .$if(p.threadOnly, (b) => b.where('m.thread_root_seq', 'is not', null))
      // Without words every rank is 0 and the keyset is the seq alone: a range the seq index can start at.
      .$if(after !== null && hasWords, (b) => b.where(sql<boolean>`(${rank}, m.seq) < (${after!.rank}::real, ${after!.seq}::bigint)`))
      .$if(after !== null && !hasWords, (b) => b.where('m.seq', '<', after!.seq));
    const snippet = hasWords ? sql<string>`ts_headline('english', t.text, ${tsq}, ${headlineOptions})` : sql<string>`left(t.text, 400)`;
    const rows = await q
      .with((w) => (hasWords ? w('matched').materialized() : w('matched')), () => matched)
      // Authorization: only rooms the caller is a member of NOW (chat tables, same snapshot), not deleted.
      .with('page', (db) =>
        db
          .selectFrom('matched as m')
          .innerJoin('room_members as mine', (j) => j.onRef('mine.room_id', '=', 'm.room_id').on('mine.user_id', '=', userId))
          .innerJoin('rooms as r', (j) => j.onRef('r.id', '=', 'm.room_id').on('r.deleted', '=', false))
          .select(['m.room_id', 'm.seq', 'm.thread_root_seq', 'm.sender_id', 'm.sent_at', 'm.edited', 'm.band', 'm.rank', 'r.name as room_name', 'r.kind as room_kind'])
          .orderBy('m.band')
          .orderBy('m.rank', 'desc')
          .orderBy('m.seq', 'desc')
          .limit(n),
      )
      // The number of matches, for the next statement's choice of bands (a scan of the materialized matches;
      // without words they are not materialized and not counted).
      .with('counted', (db) => db.selectNoFrom((hasWords ? sql<number>`(select count(*) from matched)::int` : sql<number>`0`).as('candidates')))
      .selectFrom('page as s')
      .innerJoin('search_messages as t', (j) => j.onRef('t.room_id', '=', 's.room_id').onRef('t.seq', '=', 's.seq'))
      .leftJoin('users as u', 'u.id', 's.sender_id')
      // One row with the count and no hit when the page is empty.
      .rightJoin('counted as k', (j) => j.onTrue())
      .select('k.candidates')
      .select(['s.room_id', 's.seq', 's.thread_root_seq', 's.sender_id', 's.sent_at', 's.edited', 's.rank', 's.room_kind', 'u.username', 'u.display_name'])
      .select((eb) => [
        // A direct message has no name: it is called by its other people.
        eb
          .case()
          .when('s.room_kind', '=', 'dm')
          .then(
            eb.fn.coalesce(
              eb
                .selectFrom('room_members as x')
                .innerJoin('users as o', 'o.id', 'x.user_id')
                .select(sql<string>`string_agg(o.display_name, ', ' order by o.display_name)`.as('names'))
                .whereRef('x.room_id', '=', 's.room_id')
                .where('x.user_id', '<>', userId),
              sql.lit(''),
            ),
          )
          .else(eb.ref('s.room_name'))
          .end()
          .as('room_name'),
        snippet.as('snippet'),
      ])
      .orderBy('s.band')
      .orderBy('s.rank', 'desc')
      .orderBy('s.seq', 'desc')
      .execute();
    return { rows: rows.filter((r) => r.seq !== null) as SearchRow[], candidates: rows[0]?.candidates ?? 0 };
  }
}

/** A row's band among consecutive `bands` (newest first): a literal when there is one, so it orders nothing. */
function bandOfRow(bands: Band[]): RawBuilder<number> {
  const last = bands[bands.length - 1];
  if (bands.length === 1) return sql<number>`${sql.lit(last.k)}::int`;
  const whens = bands.slice(0, -1).map((b) => sql`when m.seq > ${b.lo}::bigint then ${sql.lit(b.k)}`);
  return sql<number>`(case ${sql.join(whens, sql` `)} else ${sql.lit(last.k)} end)::int`;
}
