import type { UserRow } from '@natter/infra/runtime';
import type { UserProfile } from '@natter/contracts';
import type { ReadScope } from '../read-model/scope';

export function rowToProfile(row: Pick<UserRow, 'id' | 'username' | 'display_name' | 'email'>, withEmail: boolean): UserProfile {
  return { id: row.id, username: row.username, displayName: row.display_name, ...(withEmail ? { email: row.email } : {}) };
}

/** The `users` read model. */
export class UsersRepository {
  findById(q: ReadScope, userId: string): Promise<Pick<UserRow, 'id' | 'username' | 'display_name' | 'email' | 'deactivated'> | undefined> {
    return q.selectFrom('users').select(['id', 'username', 'display_name', 'email', 'deactivated']).where('id', '=', userId).executeTakeFirst();
  }
}
