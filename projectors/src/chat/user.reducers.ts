import type { ReadModelDB } from '@natter/infra/runtime';
import { max, set } from '../runtime/change-set';
import { pgText } from '../runtime/pg-text';
import type { Reducers } from '../runtime/reduced-projection';

/** `users`: one row per registration (the first one of an id wins), updated by profile changes. */
export const userReducers: Reducers<ReadModelDB> = {
  UserRegistered: ({ seq, data: d }, out) =>
    out.insert('users', {
      id: d.userId,
      username: pgText(d.username),
      username_lower: pgText(d.username).toLowerCase(),
      display_name: pgText(d.displayName),
      email: pgText(d.email),
      registered_seq: seq,
      updated_seq: seq,
    }),
  ProfileUpdated: ({ seq, data: d }, out) => out.patch('users', { id: d.userId }, { display_name: set(pgText(d.displayName)), updated_seq: max(seq) }),
  UserDeactivated: ({ seq, data: d }, out) => out.patch('users', { id: d.userId }, { deactivated: set(true), updated_seq: max(seq) }),
  // SessionRevoked changes nothing in the chat read model.
};
