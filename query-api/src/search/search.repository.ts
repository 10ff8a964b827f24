import { HighlightStart, HighlightStop, type ParsedSearchQuery } from '@natter/contracts';
import { SEARCH_PROJECTION } from '@natter/infra/runtime';
import { sql, type RawBuilder } from 'kysely';
import type { ReadScope } from '../read-model/scope';

/** Where a ranked page ends: the last hit's rank (a float4, exact through its text form) and seq. */
export interface SearchCursor {
  rank: number;
  seq: number;
}

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
 * returned, and a direct message only to its members. Ranked by `ts_rank` (then newest first), keyset-paged on
 * (rank, seq); snippets (`ts_headline`) are computed for the page's rows only.
 */
export class SearchRepository {
  /** The search projection's checkpoint in this snapshot (0: it has never run on this schema). */
  async checkpoint(q: ReadScope): Promise<number> {
    const row = await q.selectFrom('checkpoint').select('last_seq').where('projection', '=', SEARCH_PROJECTION).executeTakeFirst();
    return Number(row?.last_seq ?? 0);
  }

  async search(q: ReadScope, userId: string, p: ParsedSearchQuery, cursor: SearchCursor | null, limit: number): Promise<SearchRow[]> {
    const hasWords = p.words.trim() !== '';
    const tsq = sql`websearch_to_tsquery('english', ${p.words})`;
    const rank: RawBuilder<number> = hasWords ? sql<number>`ts_rank(m.tsv, ${tsq})` : sql<number>`0::real`;
    // The matches, by the word index (GIN) and the filters on the message itself. With words it is
    // MATERIALIZED: otherwise the planner walks each of the caller's rooms by primary key and tests every
    // message's tsvector (seen: 250 ms at 100k messages for a word in one message); the word index first is
    // the plan whose cost follows the number of matches, not the number of messages.
    const matched = q
      .selectFrom('search_messages as m')
      // No text here: every match is materialized, and only the page's rows need it (the snippet, below).
      .select(['m.room_id', 'm.seq', 'm.thread_root_seq', 'm.sender_id', 'm.sent_at'])
      .select([sql<boolean>`m.edited_seq is not null`.as('edited'), rank.as('rank')])
      .where('m.deleted', '=', false)
      .$if(hasWords, (b) => b.where(sql<boolean>`m.tsv @@ ${tsq}`))
      .$if(p.from.length > 0, (b) => b.where('m.sender_id', 'in', (eb) => eb.selectFrom('users').select('id').where('username_lower', 'in', p.from)))
      .$if(p.rooms.length > 0, (b) => b.where('m.room_id', 'in', (eb) => eb.selectFrom('rooms').select('id').where(sql<string>`lower(name)`, 'in', p.rooms)))
      .$if(p.before !== null, (b) => b.where('m.sent_at', '<', p.before!))
      .$if(p.after !== null, (b) => b.where('m.sent_at', '>=', p.after!))
      .$if(p.hasLink, (b) => b.where('m.has_link', '=', true))
      .$if(p.threadOnly, (b) => b.where('m.thread_root_seq', 'is not', null))
      .$if(cursor !== null, (b) => b.where(sql<boolean>`(${rank}, m.seq) < (${cursor!.rank}::real, ${cursor!.seq}::bigint)`));
    const snippet = hasWords ? sql<string>`ts_headline('english', t.text, ${tsq}, ${headlineOptions})` : sql<string>`left(t.text, 400)`;
    const rows = await q
      .with((w) => (hasWords ? w('matched').materialized() : w('matched')), () => matched)
      // Authorization: only rooms the caller is a member of NOW (chat tables, same snapshot), not deleted.
      .with('page', (db) =>
        db
          .selectFrom('matched as m')
          .innerJoin('room_members as mine', (j) => j.onRef('mine.room_id', '=', 'm.room_id').on('mine.user_id', '=', userId))
          .innerJoin('rooms as r', (j) => j.onRef('r.id', '=', 'm.room_id').on('r.deleted', '=', false))
          .select(['m.room_id', 'm.seq', 'm.thread_root_seq', 'm.sender_id', 'm.sent_at', 'm.edited', 'm.rank', 'r.name as room_name', 'r.kind as room_kind'])
          .orderBy('m.rank', 'desc')
          .orderBy('m.seq', 'desc')
          .limit(limit + 1),
      )
      .selectFrom('page as s')
      .innerJoin('search_messages as t', (j) => j.onRef('t.room_id', '=', 's.room_id').onRef('t.seq', '=', 's.seq'))
      .leftJoin('users as u', 'u.id', 's.sender_id')
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
      .orderBy('s.rank', 'desc')
      .orderBy('s.seq', 'desc')
      .execute();
    return rows as SearchRow[];
  }
}
