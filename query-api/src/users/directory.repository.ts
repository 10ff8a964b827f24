import { SearchTermSlots, searchWords, type DirectoryEntry } from '@natter/contracts';
import type { UserRow } from '@natter/infra/runtime';
import type { ReadScope } from '../read-model/scope';

/** At most this many words of a query are matched (each must be a prefix of one of a user's terms). */
const MAX_WORDS = 4;

const likePrefix = (w: string) => `${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const COLUMNS = ['u.id', 'u.username', 'u.display_name', 'u.status_text', 'u.avatar', 'u.email', 'u.email_verified', 'u.deactivated', 'u.server_admin', 'u.registered_at'] as const;

export type DirectoryRow = Pick<UserRow, 'id' | 'username' | 'display_name' | 'status_text' | 'avatar' | 'email' | 'email_verified' | 'deactivated' | 'server_admin' | 'registered_at'>;

export const rowToEntry = (r: DirectoryRow): DirectoryEntry => ({ id: r.id, username: r.username, displayName: r.display_name, statusText: r.status_text, avatar: r.avatar || null });

/**
 * The user directory over `user_search_terms` (queries/users.directory*.sql), whose `term` column has the C
 * collation so one btree index serves both `LIKE 'prefix%'` (a range) and the order of the results. The
 * query is folded like the terms (contracts' searchWords: no case, no accents). A query of several words is
 * first matched as a prefix of the display name's words in order ("ada lov" of "ada lovelace": one range of
 * the index); if that finds fewer than `limit` people, every word must be a prefix of one of the user's
 * terms in any order: the first word drives the index range, the others are checked per candidate. Either
 * way the scan stops after `limit × SearchTermSlots` index entries, whatever the number of users. Results are
 * in the order of the matched term. No words: users by username.
 */
export class DirectoryRepository {
  async search(q: ReadScope, text: string, limit: number, opts: { includeDeactivated: boolean }): Promise<DirectoryRow[]> {
    const words = searchWords(text).slice(0, MAX_WORDS);
    if (words.length === 0) {
      return q
        .selectFrom('users as u')
        .select(COLUMNS)
        .$if(!opts.includeDeactivated, (qb) => qb.where('u.deactivated', '=', false))
        .orderBy('u.username_lower')
        .limit(limit)
        .execute();
    }
    const found = words.length > 1 ? distinct(await this.scan(q, words.join(' '), [], limit, opts)) : [];
    if (found.length >= limit) return found.slice(0, limit);
    const [first, ...rest] = words;
    return distinct([...found, ...(await this.scan(q, first, rest, limit, opts))]).slice(0, limit);
  }

  /** Users with a term starting with `prefix` and, for each of `also`, a term starting with it. */
  private scan(q: ReadScope, prefix: string, also: string[], limit: number, opts: { includeDeactivated: boolean }): Promise<DirectoryRow[]> {
    return q
      .selectFrom('user_search_terms as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select(COLUMNS)
      .where('t.term', 'like', likePrefix(prefix))
      .$if(!opts.includeDeactivated, (qb) => qb.where('u.deactivated', '=', false))
      .$call((qb) =>
        also.reduce(
          (acc, w) => acc.where(({ exists, selectFrom }) => exists(selectFrom('user_search_terms as o').select('o.slot').whereRef('o.user_id', '=', 't.user_id').where('o.term', 'like', likePrefix(w)))),
          qb,
        ),
      )
      .orderBy('t.term')
      .orderBy('t.user_id')
      // A user matches with at most SearchTermSlots terms: enough rows for `limit` distinct users.
      .limit(limit * SearchTermSlots)
      .execute();
  }
}

function distinct(rows: DirectoryRow[]): DirectoryRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.id) && seen.add(r.id));
}
