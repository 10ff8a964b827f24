import { sql, type Generated, type Kysely, type Transaction } from 'kysely';
import type { MailMessage } from './mailer';

/** infra/migrations/command/006_mail.sql */
export interface MailOutboxTable {
  id: Generated<string>;
  dedupe_key: string | null;
  kind: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  headers: Generated<Record<string, string>>;
  created_at: Generated<Date>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  sent_at: Date | null;
  message_id: string | null;
  failed_at: Date | null;
  last_error: string | null;
}
export interface MailOutboxDB {
  'mail.outbox': MailOutboxTable;
}

/** A row a worker holds: the message and how many attempts came before this one. */
export interface OutboxItem {
  id: string;
  kind: string;
  attempts: number;
  message: MailMessage;
}

/**
 * The mail outbox: a request enqueues a row (inside its own transaction when it has one, so the mail exists
 * exactly when what it announces does) and answers; `OutboxWorker` sends. Enqueueing with a `dedupeKey`
 * twice keeps the first row. A sent row's body is erased: a link token must not outlive its delivery in
 * plain text (only its hash stays, in auth.email_tokens).
 */
export class MailOutbox {
  constructor(private readonly db: Kysely<MailOutboxDB>) {}

  /** True when queued, false when a row with `dedupeKey` already existed. */
  async enqueue(m: MailMessage, opts: { kind: string; dedupeKey?: string; trx?: Transaction<any> }): Promise<boolean> {
    const db = (opts.trx as Transaction<MailOutboxDB> | undefined) ?? this.db;
    const res = await db
      .insertInto('mail.outbox')
      .values({ kind: opts.kind, dedupe_key: opts.dedupeKey ?? null, to_address: m.to, subject: m.subject, text_body: m.text, html_body: m.html, headers: JSON.stringify(m.headers ?? {}) as never })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /**
   * Claim up to `limit` due rows for `leaseMs`: their due time moves past the lease in the claiming
   * statement, so another worker (or this one after a crash) sees them again only if this one never reports.
   * `skip locked` lets instances claim side by side without waiting for each other.
   */
  async claim(limit: number, leaseMs: number): Promise<OutboxItem[]> {
    const rows = await sql<{ id: string; kind: string; attempts: number; to_address: string; subject: string; text_body: string; html_body: string; headers: Record<string, string> }>`
      update mail.outbox set next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
      where id in (
        select id from mail.outbox
        where sent_at is null and failed_at is null and next_attempt_at <= now()
        order by next_attempt_at, id limit ${limit} for update skip locked)
      returning *`.execute(this.db);
    return rows.rows.map((r) => ({
      id: String(r.id),
      kind: r.kind,
      attempts: r.attempts,
      message: { to: r.to_address, subject: r.subject, text: r.text_body, html: r.html_body, headers: r.headers },
    }));
  }

  async markSent(id: string, messageId: string): Promise<void> {
    await this.db.updateTable('mail.outbox')
      .set({ sent_at: sql`now()` as never, message_id: messageId, attempts: sql`attempts + 1` as never, text_body: '', html_body: '', last_error: null })
      .where('id', '=', id).execute();
  }

  /** Try again after `delayMs`, or give up (`failed`: permanent refusal or attempts used up; the body is erased). */
  async markFailed(id: string, error: string, retry: { delayMs: number } | 'failed'): Promise<void> {
    const base = { attempts: sql`attempts + 1` as never, last_error: error.slice(0, 500) };
    await this.db.updateTable('mail.outbox')
      .set(retry === 'failed'
        ? { ...base, failed_at: sql`now()` as never, text_body: '', html_body: '' }
        : { ...base, next_attempt_at: sql`now() + ${retry.delayMs} * interval '1 millisecond'` as never })
      .where('id', '=', id).execute();
  }

  /** Rows waiting to be sent (the `natter_mail_outbox_pending` gauge). */
  async pending(): Promise<number> {
    const row = await this.db.selectFrom('mail.outbox').select((eb) => eb.fn.countAll<string>().as('n')).where('sent_at', 'is', null).where('failed_at', 'is', null).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
