import { Inject } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import { KYSELY } from '../shared/tokens';
import type { AuthDB, SessionRow } from './auth.tables';

/**
 * Refresh sessions. One row per refresh token (stored as a SHA-256 hash); rotation marks the used row
 * `replaced_by` and inserts its successor in the same family. The family id is the session id carried by
 * access tokens (`sid`): it is stable across rotations, and revoking it revokes every row of the family.
 */
export class SessionsRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<AuthDB>) {}

  async insert(row: { id: string; userId: string; familyId: string; refreshHash: string; expiresAt: Date }): Promise<void> {
    await this.db
      .insertInto('auth.sessions')
      .values({ id: row.id, user_id: row.userId, family_id: row.familyId, refresh_hash: row.refreshHash, expires_at: row.expiresAt })
      .execute();
  }

  findByHash(refreshHash: string): Promise<SessionRow | undefined> {
    return this.db.selectFrom('auth.sessions').selectAll().where('refresh_hash', '=', refreshHash).executeTakeFirst();
  }

  /**
   * Replace `oldId` by a new row, atomically. Returns false when the old row was already replaced or
   * revoked (a concurrent refresh with the same token won): the caller treats that as reuse.
   */
  async rotate(oldId: string, next: { id: string; userId: string; familyId: string; refreshHash: string; expiresAt: Date }): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('auth.sessions')
        .set({ replaced_by: next.id })
        .where('id', '=', oldId)
        .where('replaced_by', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false;
      await trx
        .insertInto('auth.sessions')
        .values({ id: next.id, user_id: next.userId, family_id: next.familyId, refresh_hash: next.refreshHash, expires_at: next.expiresAt })
        .execute();
      return true;
    });
  }

  /** Revoke every row of a family; true if this call revoked something (false: already revoked). */
  async revokeFamily(familyId: string): Promise<boolean> {
    const r = await this.db
      .updateTable('auth.sessions')
      .set({ revoked_at: sql<Date>`now()` })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The user's active session families (ids carried by their access tokens as `sid`). */
  async activeFamilies(userId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('auth.sessions')
      .select('family_id')
      .distinct()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .execute();
    return rows.map((r) => r.family_id);
  }

  /** A family is active while it has a row that is neither revoked nor expired. */
  async isFamilyActive(familyId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('auth.sessions')
      .select('id')
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}
