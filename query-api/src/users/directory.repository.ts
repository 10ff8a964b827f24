import { SearchTermSlots, searchWords, type DirectoryEntry } from '@natter/contracts';
import type { UserRow } from '@natter/infra/runtime';
import type { ReadScope } from '../read-model/scope';

/** At most this many words of a query are matched (each must be a prefix of one of a user's terms). */
const MAX_WORDS = 4;

const likePrefix = (w: string) => `${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export type DirectoryRow = Pick<UserRow, 'id' | 'username' | 'display_name' | 'status_text' | 'email' | 'deactivated' | 'server_admin' | 'registered_at'>;

export const rowToEntry = (r: DirectoryRow): DirectoryEntry => ({ id: r.id, username: r.username, displayName: r.display_name, statusText: r.status_text });

/**
 * The user directory over `user_search_terms` (queries/users.directory.sql). Every word of the query, folded
 * like the terms (contracts' searchWords: no case, no accents), must be a prefix of one of the user's terms
 * (username, display-name words). The first word drives a range scan of term_idx in term order, the others
 * are checked per candidate, so a query costs about `limit` index entries whatever the number of users.
 * Results are in the order of the matched term. No words: users by username.
 */
export class DirectoryRepository {
  async search(q: ReadScope, text: string, limit: number, opts: { includeDeactivated: boolean }): Promise<DirectoryRow[]> {
    const words = searchWords(text).slice(0, MAX_WORDS);
    const columns = ['u.id', 'u.username', 'u.display_name', 'u.status_text', 'u.email', 'u.deactivated', 'u.server_admin', 'u.registered_at'] as const;
    if (words.length === 0) {
      return q
        .selectFrom('users as u')
        .select(columns)
        .$if(!opts.includeDeactivated, (qb) => qb.where('u.deactivated', '=', false))
        .orderBy('u.username_lower')
        .limit(limit)
        .execute();
    }
    const [first, ...rest] = words;
    // A user matches the first word with at most SearchTermSlots terms: enough rows for `limit` distinct users.
    const rows = await q
      .selectFrom('user_search_terms as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select(columns)
      .where('t.term', 'like', likePrefix(first))
      .$if(!opts.includeDeactivated, (qb) => qb.where('u.deactivated', '=', false))
      .$call((qb) =>
        rest.reduce(
          (acc, w) => acc.where(({ exists, selectFrom }) => exists(selectFrom('user_search_terms as o').select('o.slot').whereRef('o.user_id', '=', 't.user_id').where('o.term', 'like', likePrefix(w)))),
          qb,
        ),
      )
      .orderBy('t.term')
      .orderBy('t.user_id')
      .limit(limit * SearchTermSlots)
      .execute();
    const seen = new Set<string>();
    return rows.filter((r) => !seen.has(r.id) && seen.add(r.id)).slice(0, limit);
  }
}
