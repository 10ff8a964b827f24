import { createHash, randomBytes } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { NatterError } from '@natter/contracts';
import { sql, type Kysely, type Transaction } from 'kysely';
import { KYSELY } from '../shared/tokens';

export type LinkPurpose = 'password_reset' | 'verify_email';

/** infra/migrations/command/006_mail.sql */
export interface EmailTokensDB {
  'auth.email_tokens': { token_hash: string; purpose: LinkPurpose; user_id: string; email: string; expires_at: Date; used_at: Date | null };
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
/** What `issue` makes: 32 random bytes, base64url. Anything else is refused before a lookup. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The tokens of password reset and verification links. A token is 32 random bytes shown once, in the mail;
 * only its SHA-256 is stored (command-side, never in the event log), so a copy of the database does not let
 * anyone reset a password. `consume` is one conditional UPDATE: of two requests presenting the same token,
 * exactly one gets it.
 */
export class EmailLinks {
  constructor(@Inject(KYSELY) private readonly db: Kysely<EmailTokensDB>) {}

  async issue(trx: Transaction<any>, purpose: LinkPurpose, userId: string, email: string, ttlSeconds: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await (trx as Transaction<EmailTokensDB>).insertInto('auth.email_tokens')
      .values({ token_hash: hashOf(token), purpose, user_id: userId, email, expires_at: new Date(Date.now() + ttlSeconds * 1000), used_at: null })
      .execute();
    return token;
  }

  /** Refuse a token that cannot be one of ours, before it costs a lookup (or a password hash). */
  static assertWellFormed(token: string): void {
    if (!TOKEN_SHAPE.test(token)) throw new NatterError('link_invalid');
  }

  /**
   * Use the token once, inside `trx` (the caller's writes commit with it, or the token stays usable): its
   * user and the address it was sent to. link_invalid (unknown, or another purpose's), link_used, link_expired.
   */
  async consume(trx: Transaction<any>, purpose: LinkPurpose, token: string): Promise<{ userId: string; email: string }> {
    EmailLinks.assertWellFormed(token);
    const t = trx as Transaction<EmailTokensDB>;
    const hash = hashOf(token);
    const used = await t.updateTable('auth.email_tokens').set({ used_at: sql`now()` as never })
      .where('token_hash', '=', hash).where('purpose', '=', purpose).where('used_at', 'is', null).where('expires_at', '>', sql<Date>`now()`)
      .returning(['user_id', 'email']).executeTakeFirst();
    if (used) return { userId: used.user_id, email: used.email };
    const row = await t.selectFrom('auth.email_tokens').select(['used_at']).where('token_hash', '=', hash).where('purpose', '=', purpose).executeTakeFirst();
    throw new NatterError(!row ? 'link_invalid' : row.used_at ? 'link_used' : 'link_expired');
  }

  /** Every unused link of this purpose for the user stops working (a password was just reset with one of them). */
  async revokeOthers(trx: Transaction<any>, purpose: LinkPurpose, userId: string): Promise<void> {
    await (trx as Transaction<EmailTokensDB>).updateTable('auth.email_tokens').set({ used_at: sql`now()` as never })
      .where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null).execute();
  }

  /**
   * The user's unused links mailed to any address but `current` are deleted (an address change): whoever
   * reads the old mailbox can no longer reset the password with a link sent there. Deleted rather than marked
   * used, so such a link answers link_invalid, as one for an address the account no longer has.
   */
  async forgetOtherAddresses(userId: string, current: string): Promise<void> {
    await this.db.deleteFrom('auth.email_tokens').where('user_id', '=', userId).where('used_at', 'is', null).where('email', '<>', current).execute();
  }

  transaction<T>(fn: (trx: Transaction<EmailTokensDB>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }
}
