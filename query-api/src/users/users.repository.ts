import type { UserRow } from '@natter/infra/runtime';
import type { UserProfile } from '@natter/contracts';
import type { ReadScope } from '../read-model/scope';

type ProfileRow = Pick<UserRow, 'id' | 'username' | 'display_name' | 'email' | 'email_verified' | 'bio' | 'status_text' | 'deactivated' | 'server_admin' | 'avatar'>;

export function rowToProfile(row: ProfileRow, withEmail: boolean): UserProfile {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    bio: row.bio,
    statusText: row.status_text,
    avatar: row.avatar || null,
    ...(withEmail ? { email: row.email, emailVerified: row.email_verified } : {}),
  };
}

/** The `users` read model. */
export class UsersRepository {
  findById(q: ReadScope, userId: string): Promise<ProfileRow | undefined> {
    return q
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'email', 'email_verified', 'bio', 'status_text', 'deactivated', 'server_admin', 'avatar'])
      .where('id', '=', userId)
      .executeTakeFirst();
  }
}
