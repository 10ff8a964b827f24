import { Inject } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { KYSELY } from '../shared/tokens';
import type { AuthDB } from './auth.tables';

/** Password hashes (argon2id), in their own table: they never enter the event log. */
export class CredentialsRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<AuthDB>) {}

  async insert(userId: string, passwordHash: string): Promise<void> {
    await this.db.insertInto('auth.credentials').values({ user_id: userId, password_hash: passwordHash }).execute();
  }

  async update(userId: string, passwordHash: string): Promise<void> {
    await this.db.updateTable('auth.credentials').set({ password_hash: passwordHash, updated_at: new Date() }).where('user_id', '=', userId).executeTakeFirstOrThrow();
  }

  async findHash(userId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('auth.credentials').select('password_hash').where('user_id', '=', userId).executeTakeFirst();
    return row?.password_hash;
  }
}
