import { nameTerms, SearchTermSlots, searchTerms } from '@natter/contracts';
import type { ReadModelDB } from '@natter/infra/runtime';
import { max, set, type ChangeSet } from '../runtime/change-set';
import { pgText } from '../runtime/pg-text';
import type { Reducers } from '../runtime/reduced-projection';

/**
 * The directory's terms of a user from `first` slot on (slot 0 is the username, fixed at registration):
 * each term put, and on a rename every slot after them deleted, so a shorter new display name leaves no stale
 * words (a registration has none to delete).
 */
function putTerms(out: ChangeSet<ReadModelDB>, userId: string, terms: string[], first: number, clearRest: boolean): void {
  for (let slot = first; slot < SearchTermSlots; slot++) {
    const term = terms[slot - first];
    if (term !== undefined) out.put('user_search_terms', { user_id: userId, slot, term: pgText(term) });
    else if (clearRest) out.delete('user_search_terms', { user_id: userId, slot });
    else break;
  }
}

/**
 * `users`: one row per registration (the first one of an id wins), updated by profile changes, email changes
 * and verification,  deactivation
 * and (server.reducers.ts) server admin grants; `user_search_terms` for the directory; `user_sessions`.
 */
export const userReducers: Reducers<ReadModelDB> = {
  UserRegistered: ({ seq, at, data: d }, out) => {
    out.insert('users', {
      id: d.userId,
      username: pgText(d.username),
      username_lower: pgText(d.username).toLowerCase(),
      display_name: pgText(d.displayName),
      email: pgText(d.email),
      registered_seq: seq,
      updated_seq: seq,
      registered_at: at,
    });
    putTerms(out, d.userId, searchTerms(d.username, d.displayName), 0, false);
  },
  ProfileUpdated: ({ seq, data: d }, out) => {
    out.patch('users', { id: d.userId }, {
      ...(d.displayName !== undefined ? { display_name: set(pgText(d.displayName)) } : {}),
      ...(d.bio !== undefined ? { bio: set(pgText(d.bio)) } : {}),
      ...(d.statusText !== undefined ? { status_text: set(pgText(d.statusText)) } : {}),
      updated_seq: max(seq),
    });
    if (d.displayName !== undefined) putTerms(out, d.userId, nameTerms(d.displayName), 1, true);
  },
  AvatarChanged: ({ seq, data: d }, out) => out.patch('users', { id: d.userId }, { avatar: set(d.avatar ?? ''), updated_seq: max(seq) }), // '' is none (a patch sets no nulls)
  // ---- email (issue 13): EmailVerified is only ever appended for the address the account has then.
  EmailChanged: ({ seq, data: d }, out) => out.patch('users', { id: d.userId }, { email: set(pgText(d.email)), email_verified: set(false), updated_seq: max(seq) }),
  EmailVerified: ({ seq, data: d }, out) => out.patch('users', { id: d.userId }, { email_verified: set(true), updated_seq: max(seq) }),
  UserDeactivated: ({ seq, data: d }, out) => out.patch('users', { id: d.userId }, { deactivated: set(true), updated_seq: max(seq) }),
  UserReactivated: ({ seq, data: d }, out) => out.patch('users', { id: d.userId }, { deactivated: set(false), updated_seq: max(seq) }),
  SessionStarted: ({ at, data: d }, out) =>
    out.insert('user_sessions', { id: d.sessionId, user_id: d.userId, started_at: at, revoked_at: null, revoke_reason: null }),
  // Sessions started before SessionStarted existed have no row: the patch finds none and changes nothing.
  SessionRevoked: ({ at, data: d }, out) => out.patch('user_sessions', { id: d.sessionId }, { revoked_at: set(at), revoke_reason: set(d.reason) }),
};
