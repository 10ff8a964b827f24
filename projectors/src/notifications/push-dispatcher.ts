import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { inQuietHours, type PushPayload, type QuietHours } from '@natter/contracts';
import { Counter, PollLoop, type Registry } from '@natter/infra/runtime';
import type { PushSender, PushTarget } from './push-sender';

export interface PushDispatcherOptions {
  /** This process's name in `claimed_by`. */
  instance: string;
  pollMs: number;
  batch: number;
  maxAttempts: number;
  /** First retry delay; doubled per attempt (with jitter), capped at 10 minutes. */
  retryBaseMs: number;
  /** A claim older than this whose process never finished it is given up as `unknown` (never sent again). */
  claimTimeoutMs: number;
  /** Where the service worker sends the person (`<publicUrl>/rooms/<id>?m=<seq>`, the web client's message link). */
  publicUrl: string;
  isOnline: (userId: string) => boolean;
  /** Push service hosts we may contact (`.suffix` for a domain); see NotifyConfig.pushHosts. */
  pushHosts: readonly string[];
}

/** Whether an endpoint is an https URL on one of the allowed push service hosts. */
export function allowedEndpoint(endpoint: string, hosts: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    return false;
  }
  const host = u.hostname.toLowerCase();
  return u.protocol === 'https:' && hosts.some((h) => (h.startsWith('.') ? host.endsWith(h) : host === h));
}

interface Claimed {
  user_id: string;
  seq: string;
  room_id: string;
  attempts: number;
}

/**
 * Drains the push outbox (`notify.deliveries`, channel `push`). Exactly what a restart may and may not do:
 * a row is claimed (`pending` -> `sending`, committed) BEFORE its message goes out, and only the claimer
 * finishes it (`sent`, `skipped`, `failed`, or back to `pending` with a backoff after a failure that the push
 * service answered). A process killed between the claim and the answer leaves `sending` rows, which nobody
 * sends again (after `claimTimeoutMs` they become `unknown`): a restart never sends twice; the price is that a
 * crash in that window can lose those few messages (the center still has them).
 *
 * Collapsed per room: the rows of one person and room claimed together become one message (the newest, with
 * the count), the push `Topic` is the room (a push service keeps only the newest undelivered one) and the
 * service worker's `tag` too (a newer notification replaces the shown one). Only people not active right now
 * (no presence entry) get pushes, and nobody during their quiet hours.
 */
export class PushDispatcher {
  private readonly loop: PollLoop;
  private readonly results: Counter<'result'>;

  constructor(
    private readonly db: Kysely<any>,
    private readonly sender: PushSender,
    private readonly opts: PushDispatcherOptions,
    private readonly log: Logger,
    registry: Registry,
  ) {
    this.results = new Counter({ name: 'natter_notify_push_total', help: 'Push deliveries by outcome (sent, skipped_active, quiet_hours, no_subscription, retry, failed, gone_subscription, unknown).', labelNames: ['result'], registers: [registry] });
    this.loop = new PollLoop(() => this.tick(), opts.pollMs, (err) => log.error({ err }, 'push dispatch failed'));
  }

  start(): void {
    this.loop.start();
  }

  /** Ends the polling and waits for the round in progress (its claims are finished). */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One round: give up stale claims, claim due rows, send them grouped per person and room. */
  async tick(): Promise<number> {
    const gaveUp = await sql`update notify.deliveries set status = 'unknown', done_at = now(), last_error = 'claim not finished (process died?)'
      where channel = 'push' and status = 'sending' and claimed_at < now() - make_interval(secs => ${this.opts.claimTimeoutMs / 1000})`.execute(this.db);
    if (Number(gaveUp.numAffectedRows ?? 0) > 0) {
      this.results.inc({ result: 'unknown' }, Number(gaveUp.numAffectedRows));
      this.log.warn({ rows: Number(gaveUp.numAffectedRows) }, 'push claims of a dead process given up (not sent again)');
    }
    const claimed = (
      await sql<Claimed>`update notify.deliveries d set status = 'sending', claimed_by = ${this.opts.instance}, claimed_at = now(), attempts = d.attempts + 1
        from (select user_id, seq, channel from notify.deliveries where channel = 'push' and status = 'pending' and due_at <= now()
               order by due_at limit ${this.opts.batch} for update skip locked) c
       where d.user_id = c.user_id and d.seq = c.seq and d.channel = c.channel
       returning d.user_id, d.seq, d.room_id, d.attempts`.execute(this.db)
    ).rows;
    if (!claimed.length) return 0;
    const groups = new Map<string, Claimed[]>();
    for (const r of claimed) {
      const k = `${r.user_id}\u0000${r.room_id}`;
      groups.set(k, [...(groups.get(k) ?? []), r]);
    }
    await Promise.all([...groups.values()].map((g) => this.sendGroup(g)));
    return claimed.length;
  }

  private async sendGroup(rows: Claimed[]): Promise<void> {
    const userId = rows[0].user_id;
    const roomId = rows[0].room_id;
    const seqs = rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
    try {
      if (this.opts.isOnline(userId)) return await this.finish(userId, seqs, 'skipped', 'active', 'skipped_active');
      const s = (await sql<{ push: boolean; quiet_hours: QuietHours | null }>`select push, quiet_hours from notify.settings where user_id = ${userId}`.execute(this.db)).rows[0];
      if (s && !s.push) return await this.finish(userId, seqs, 'skipped', 'push off', 'push_off');
      if (inQuietHours(s?.quiet_hours, new Date())) return await this.finish(userId, seqs, 'skipped', 'quiet hours', 'quiet_hours');
      // The newest notification still unread and not deleted names the message; read or deleted ones are not pushed.
      const n = (
        await sql<{ seq: string; kind: string; excerpt: string; thread_root_seq: string | null; actor: string | null; room: string | null; is_dm: boolean | null }>`
          select n.seq, n.kind, n.excerpt, n.thread_root_seq, u.display_name as actor, r.name as room, r.is_dm
            from notify.notifications n left join notify.users u on u.user_id = n.actor_id left join notify.rooms r on r.room_id = n.room_id
           where n.user_id = ${userId} and n.seq = any(${seqs}::bigint[]) and not n.read order by n.seq desc`.execute(this.db)
      ).rows;
      if (!n.length) return await this.finish(userId, seqs, 'skipped', 'read or deleted', 'read');
      const all = (await sql<PushTarget>`select id, endpoint, p256dh, auth from notify.push_subscriptions where user_id = ${userId}`.execute(this.db)).rows;
      const subs = all.filter((x) => allowedEndpoint(x.endpoint, this.opts.pushHosts));
      for (const bad of all.filter((x) => !subs.includes(x))) {
        // Never contacted: a client-chosen URL outside the push services (an internal address would be SSRF).
        await sql`delete from notify.push_subscriptions where id = ${bad.id}`.execute(this.db);
        this.log.warn({ userId, subscriptionId: bad.id, host: URL.canParse(bad.endpoint) ? new URL(bad.endpoint).hostname : null }, 'push subscription to a host that is not a known push service: removed');
      }
      if (!subs.length) return await this.finish(userId, seqs, 'skipped', 'no subscription', 'no_subscription');
      const top = n[0];
      const payload: PushPayload = {
        title: top.is_dm ? `${top.actor ?? 'Someone'}` : `${top.actor ?? 'Someone'} in #${top.room ?? 'a room'}`,
        body: n.length > 1 ? `${top.excerpt} (+${n.length - 1} more)` : top.excerpt,
        tag: `room-${roomId}`,
        url: `${this.opts.publicUrl}/rooms/${roomId}?m=${top.thread_root_seq ?? top.seq}`,
        seq: Number(top.seq),
        roomId,
        count: n.length,
      };
      const body = JSON.stringify(payload);
      const outcomes = await Promise.all(subs.map(async (sub) => ({ sub, out: await this.sender.send(sub, body, { topic: topicOf(roomId), ttlSeconds: 24 * 3600 }) })));
      for (const { sub, out } of outcomes) {
        if (!out.ok && out.gone) {
          await sql`delete from notify.push_subscriptions where id = ${sub.id}`.execute(this.db);
          this.results.inc({ result: 'gone_subscription' });
          this.log.info({ userId, subscriptionId: sub.id, status: out.status }, 'push subscription gone: removed');
        }
      }
      if (outcomes.some((o) => o.out.ok)) return await this.finish(userId, seqs, 'sent', null, 'sent');
      const retryable = outcomes.filter((o) => !o.out.ok && !o.out.permanent);
      const error = outcomes.map((o) => (o.out.ok ? '' : o.out.error)).join('; ').slice(0, 500);
      const attempts = Math.max(...rows.map((r) => r.attempts));
      if (!retryable.length) return await this.finish(userId, seqs, outcomes.every((o) => !o.out.ok && o.out.gone) ? 'skipped' : 'failed', error, 'failed');
      if (attempts >= this.opts.maxAttempts) return await this.finish(userId, seqs, 'failed', error, 'failed');
      const delay = Math.min(600_000, this.opts.retryBaseMs * 2 ** (attempts - 1)) * (0.75 + Math.random() * 0.5);
      await sql`update notify.deliveries set status = 'pending', due_at = now() + make_interval(secs => ${delay / 1000}), last_error = ${error}
        where user_id = ${userId} and channel = 'push' and seq = any(${seqs}::bigint[]) and status = 'sending' and claimed_by = ${this.opts.instance}`.execute(this.db);
      this.results.inc({ result: 'retry' });
      this.log.warn({ userId, roomId, attempts, delayMs: Math.round(delay), error }, 'push failed: retrying later');
    } catch (err) {
      // Left `sending`: given up as `unknown` after the claim timeout, never sent twice.
      this.log.error({ err, userId, roomId }, 'push group failed');
    }
  }

  private async finish(userId: string, seqs: number[], status: string, error: string | null, result: string): Promise<void> {
    await sql`update notify.deliveries set status = ${status}, done_at = now(), last_error = ${error}
      where user_id = ${userId} and channel = 'push' and seq = any(${seqs}::bigint[]) and status = 'sending' and claimed_by = ${this.opts.instance}`.execute(this.db);
    this.results.inc({ result }, seqs.length);
  }
}

/** The push `Topic` header: at most 32 characters of the URL-safe base64 alphabet (RFC 8030). */
export function topicOf(roomId: string): string {
  return roomId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32) || 'room';
}
