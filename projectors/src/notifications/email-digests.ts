import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { inQuietHours, type QuietHours } from '@natter/contracts';
import { Counter, PollLoop, type Registry } from '@natter/infra/runtime';
import { MailSendError, renderMail, type Mailer } from '@natter/infra/mail';

export interface EmailDigestOptions {
  instance: string;
  pollMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  claimTimeoutMs: number;
  publicUrl: string;
  isOnline: (userId: string) => boolean;
}

interface Item {
  seq: string;
  kind: string;
  room_id: string;
  excerpt: string;
  thread_root_seq: string | null;
  actor: string | null;
  room: string | null;
  is_dm: boolean | null;
}

const KindText: Record<string, string> = { dm: 'sent you a direct message', mention: 'mentioned you', room_mention: 'mentioned everyone', reply: 'replied to you', thread: 'replied in a thread you follow', message: 'wrote' };

/**
 * Email digests for people who are away (like Zulip's and Mattermost's): a person's email rows wait in the
 * outbox (`notify.deliveries`, channel `email`) until the first of them is due (their delay after the
 * message); then ALL their pending rows are claimed together and become one mail listing what is still
 * unread. Nothing is mailed to someone online right now (they see it in the app), and quiet hours postpone the
 * digest (not counted as an attempt: `attempts` counts tries to mail). Claims follow the push dispatcher's
 * rule: claimed (committed) before the SMTP transaction, finished only by the claimer, given up as `unknown`
 * after a crash, never sent twice; SMTP failures that may pass are retried with exponential backoff, permanent
 * ones (5xx) fail.
 */
export class EmailDigests {
  private readonly loop: PollLoop;
  private readonly results: Counter<'result'>;

  constructor(
    private readonly db: Kysely<any>,
    private readonly mailer: Mailer,
    private readonly opts: EmailDigestOptions,
    private readonly log: Logger,
    registry: Registry,
  ) {
    this.results = new Counter({ name: 'natter_notify_email_total', help: 'Email digest rows by outcome (sent, skipped_active, read, email_off, quiet_hours, retry, failed, unknown).', labelNames: ['result'], registers: [registry] });
    this.loop = new PollLoop(() => this.tick(), opts.pollMs, (err) => log.error({ err }, 'email digest round failed'));
  }

  start(): void {
    this.loop.start();
  }

  /** Ends the polling and waits for the round in progress (its claims are finished). */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  async tick(): Promise<number> {
    const gaveUp = await sql`update notify.deliveries set status = 'unknown', done_at = now(), last_error = 'claim not finished (process died?)'
      where channel = 'email' and status = 'sending' and claimed_at < now() - make_interval(secs => ${this.opts.claimTimeoutMs / 1000}::float8)`.execute(this.db);
    if (Number(gaveUp.numAffectedRows ?? 0) > 0) this.results.inc({ result: 'unknown' }, Number(gaveUp.numAffectedRows));
    const users = (await sql<{ user_id: string }>`select distinct user_id from notify.deliveries where channel = 'email' and status = 'pending' and due_at <= now() limit 50`.execute(this.db)).rows;
    let mails = 0;
    for (const { user_id } of users) if (await this.digest(user_id)) mails++;
    return mails;
  }

  /** Claims every pending email row of the person (the digest), decides, sends at most one mail. */
  private async digest(userId: string): Promise<boolean> {
    const claimed = (
      await sql<{ seq: string; attempts: number }>`update notify.deliveries d set status = 'sending', claimed_by = ${this.opts.instance}, claimed_at = now(), attempts = d.attempts + 1
        from (select user_id, seq, channel from notify.deliveries where channel = 'email' and status = 'pending' and user_id = ${userId} for update skip locked) c
       where d.user_id = c.user_id and d.seq = c.seq and d.channel = c.channel
       returning d.seq, d.attempts`.execute(this.db)
    ).rows;
    if (!claimed.length) return false;
    const seqs = claimed.map((r) => Number(r.seq));
    try {
      if (this.opts.isOnline(userId)) { await this.finish(userId, seqs, 'skipped', 'active', 'skipped_active'); return false; }
      const s = (await sql<{ email: boolean; quiet_hours: QuietHours | null }>`select email, quiet_hours from notify.settings where user_id = ${userId}`.execute(this.db)).rows[0];
      if (s && !s.email) { await this.finish(userId, seqs, 'skipped', 'email off', 'email_off'); return false; }
      if (inQuietHours(s?.quiet_hours, new Date())) { await this.postpone(userId, seqs, 15 * 60_000, 'quiet hours', 'quiet_hours'); return false; }
      const items = (
        await sql<Item>`select n.seq, n.kind, n.room_id, n.excerpt, n.thread_root_seq, u.display_name as actor, r.name as room, r.is_dm
            from notify.notifications n left join notify.users u on u.user_id = n.actor_id left join notify.rooms r on r.room_id = n.room_id
           where n.user_id = ${userId} and n.seq = any(${seqs}::bigint[]) and not n.read order by n.seq`.execute(this.db)
      ).rows;
      if (!items.length) { await this.finish(userId, seqs, 'skipped', 'read or deleted', 'read'); return false; }
      const to = (await sql<{ email: string; display_name: string }>`select email, display_name from notify.users where user_id = ${userId}`.execute(this.db)).rows[0];
      if (!to) { await this.finish(userId, seqs, 'failed', 'no address', 'failed'); return false; }
      const mail = await this.compose(userId, to.display_name, items);
      try {
        const { messageId } = await this.mailer.send({ to: to.email, ...mail });
        await this.finish(userId, seqs, 'sent', null, 'sent');
        this.log.info({ userId, notifications: items.length, messageId }, 'email digest sent');
        return true;
      } catch (err) {
        const permanent = err instanceof MailSendError && err.permanent;
        const attempts = Math.max(...claimed.map((r) => r.attempts));
        const why = (err as Error).message.slice(0, 500);
        if (permanent || attempts >= this.opts.maxAttempts) { await this.finish(userId, seqs, 'failed', why, 'failed'); return false; }
        const delay = Math.min(3600_000, this.opts.retryBaseMs * 2 ** (attempts - 1)) * (0.75 + Math.random() * 0.5);
        this.log.warn({ userId, attempts, delayMs: Math.round(delay), err: why }, 'email digest failed: retrying later');
        await this.retry(userId, seqs, delay, why, 'retry');
        return false;
      }
    } catch (err) {
      this.log.error({ err, userId }, 'email digest failed');
      return false;
    }
  }

  private async compose(userId: string, name: string, items: Item[]): Promise<{ subject: string; text: string; html: string; headers: Record<string, string> }> {
    const token = randomBytes(24).toString('base64url');
    await sql`insert into notify.email_unsubscribe (token_hash, user_id) values (${createHash('sha256').update(token).digest('hex')}, ${userId})`.execute(this.db);
    const unsubscribe = `${this.opts.publicUrl}/unsubscribe?token=${token}`;
    const where = (i: Item) => (i.is_dm ? 'a direct message' : `#${i.room ?? 'a room'}`);
    const line = (i: Item) => `${i.actor ?? 'Someone'} ${KindText[i.kind] ?? 'wrote'} in ${where(i)}: "${i.excerpt}"`;
    const first = items[0];
    const subject = items.length === 1 ? `${first.actor ?? 'Someone'} ${KindText[first.kind] ?? 'wrote'} in ${where(first)}` : `${items.length} new notifications in Natter`;
    const url = `${this.opts.publicUrl}/rooms/${first.room_id}?m=${first.thread_root_seq ?? first.seq}`;
    const body = renderMail({
      heading: `Hi ${name}, while you were away`,
      paragraphs: items.map(line),
      action: { label: items.length === 1 ? 'Open the message' : 'Open Natter', url },
      footer: ['You get these mails for mentions, direct messages and replies while you are offline. Change it in Settings → Notifications.'],
      footerLink: { label: 'Unsubscribe from these emails', url: unsubscribe },
    });
    return { subject, ...body, headers: { 'List-Unsubscribe': `<${unsubscribe}>` } };
  }

  private async retry(userId: string, seqs: number[], delayMs: number, why: string, result: string): Promise<void> {
    await sql`update notify.deliveries set status = 'pending', due_at = now() + make_interval(secs => ${delayMs / 1000}::float8), last_error = ${why}
      where user_id = ${userId} and channel = 'email' and seq = any(${seqs}::bigint[]) and status = 'sending' and claimed_by = ${this.opts.instance}`.execute(this.db);
    this.results.inc({ result }, seqs.length);
  }

  /**
   * Back to pending without counting this claim as an attempt (the claim added one): nothing was tried, and a
   * night of quiet hours (a claim every 15 minutes) must not use up maxAttempts and fail the digest.
   */
  private async postpone(userId: string, seqs: number[], delayMs: number, why: string, result: string): Promise<void> {
    await sql`update notify.deliveries set status = 'pending', attempts = attempts - 1, due_at = now() + make_interval(secs => ${delayMs / 1000}::float8), last_error = ${why}
      where user_id = ${userId} and channel = 'email' and seq = any(${seqs}::bigint[]) and status = 'sending' and claimed_by = ${this.opts.instance}`.execute(this.db);
    this.results.inc({ result }, seqs.length);
  }

  private async finish(userId: string, seqs: number[], status: string, error: string | null, result: string): Promise<void> {
    await sql`update notify.deliveries set status = ${status}, done_at = now(), last_error = ${error}
      where user_id = ${userId} and channel = 'email' and seq = any(${seqs}::bigint[]) and status = 'sending' and claimed_by = ${this.opts.instance}`.execute(this.db);
    this.results.inc({ result }, seqs.length);
  }
}
