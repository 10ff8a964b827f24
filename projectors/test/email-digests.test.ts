import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createMetricsRegistry } from '@natter/infra/runtime';
import { MailSendError, type Mailer, type MailMessage } from '@natter/infra/mail';
import { EmailDigests } from '../src/notifications/email-digests';
import { silent, startEnv, type Env } from './fixtures';

// EmailDigests against a real (provisioned) Postgres. The Mailer is a scripted stand-in: what is under test is
// the outbox's bookkeeping in notify.deliveries; talking SMTP is covered by scripts/test/e2e/notifications-email.

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.stop();
});

/** Fails the first `failures` sends with a temporary error (an SMTP 4xx), then accepts. */
class ScriptedMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  constructor(private failures: number) {}
  async send(m: MailMessage) {
    if (this.failures-- > 0) throw new MailSendError('451 try later', { code: 'EMESSAGE', permanent: false, responseCode: 451 });
    this.sent.push(m);
    return { messageId: `<${this.sent.length}@test>` };
  }
  async close() {}
}

const hhmm = (d: Date) => d.toISOString().slice(11, 16);

const row = async (userId: string) =>
  (await sql<{ status: string; attempts: number; last_error: string | null }>`select status, attempts, last_error from notify.deliveries where user_id = ${userId} and channel = 'email'`.execute(env.db)).rows[0];

/** Makes the person's postponed or retried rows due now, as if the delay had passed. */
const due = (userId: string) => sql`update notify.deliveries set due_at = now() where user_id = ${userId} and channel = 'email' and status = 'pending'`.execute(env.db);

describe('email digests', () => {
  it('quiet hours postpone the digest without using up its attempts: after a long quiet period a failing send is still retried', async () => {
    const u = 'quiet1';
    const now = new Date();
    // Quiet hours from an hour ago to an hour from now (UTC), so "now" is inside whatever the time of day.
    const quiet = { start: hhmm(new Date(now.getTime() - 3600_000)), end: hhmm(new Date(now.getTime() + 3600_000)), timeZone: 'UTC' };
    await sql`insert into notify.users (user_id, display_name, email) values (${u}, 'Quiet', 'quiet@example.org')`.execute(env.db);
    await sql`insert into notify.settings (user_id, quiet_hours) values (${u}, ${JSON.stringify(quiet)}::jsonb)`.execute(env.db);
    await sql`insert into notify.notifications (user_id, seq, kind, room_id, message_seq, actor_id, excerpt, at) values (${u}, 7, 'mention', 'r1', 7, 'someone', 'hello', now())`.execute(env.db);
    await sql`insert into notify.deliveries (user_id, seq, channel, room_id, due_at) values (${u}, 7, 'email', 'r1', now())`.execute(env.db);

    const maxAttempts = 3;
    const mailer = new ScriptedMailer(1);
    const digests = new EmailDigests(env.db, mailer, { instance: 'test', pollMs: 60_000, maxAttempts, retryBaseMs: 10, claimTimeoutMs: 60_000, publicUrl: 'http://natter.test', isOnline: () => false }, silent, createMetricsRegistry());

    // A quiet night: more postponements than maxAttempts.
    for (let i = 0; i < maxAttempts + 2; i++) {
      await due(u);
      expect(await digests.tick()).toBe(0);
      expect(await row(u)).toEqual({ status: 'pending', attempts: 0, last_error: 'quiet hours' });
    }
    expect(mailer.sent).toEqual([]);

    // Morning: the first try meets a temporary SMTP failure, which is retried (attempt 1 of 3), not failed.
    await sql`update notify.settings set quiet_hours = null where user_id = ${u}`.execute(env.db);
    await due(u);
    expect(await digests.tick()).toBe(0);
    expect(await row(u)).toMatchObject({ status: 'pending', attempts: 1 });
    await due(u);
    expect(await digests.tick()).toBe(1);
    expect(await row(u)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(mailer.sent.map((m) => m.to)).toEqual(['quiet@example.org']);
  });
});
