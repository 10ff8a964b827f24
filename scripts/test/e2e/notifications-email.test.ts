import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startNats, waitFor, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { startStack, type Stack } from '../../src/stack/index';
import { TestUser } from '../support/client';
import { relaxedRateLimits } from '../support/limits';
import { SmtpCatcher } from '../support/smtp-catcher';

/**
 * Email digests end to end (issue 13): a supervised stack mails through the Mailer (SMTP) to a real SMTP
 * server of the test's own, which parses every mail. One "minute" of email delay lasts 1.5 s here
 * (NOTIFY_EMAIL_DELAY_MINUTE_MS), so a person's mentions within it become one digest.
 */
let dir: string;
let nats: NatsServerHandle;
let database: TestDatabase;
let stack: Stack;
let smtp: SmtpCatcher;
let db: pg.Client;
let base: string;
let ann: TestUser;
let roomId: string;
let n = 0;

beforeAll(async () => {
  [smtp, dir, nats, database] = await Promise.all([SmtpCatcher.start(), mkdtemp(join(tmpdir(), 'natter-mail-')), startNats(), createTestDatabase()]);
  stack = await startStack({
    dataDir: dir,
    natsUrl: nats.url,
    databaseUrl: database.url,
    log: pino({ level: 'silent' }),
    env: { ...relaxedRateLimits, COMMAND_API_SENDS_PER_SECOND: '1000', SMTP_URL: smtp.url, PUBLIC_URL: 'http://natter.test:8080', NOTIFY_EMAIL_POLL_MS: '100', NOTIFY_EMAIL_RETRY_BASE_MS: '300', NOTIFY_EMAIL_DELAY_MINUTE_MS: '1500' },
  });
  base = stack.gatewayUrl!;
  db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  ann = await TestUser.register(base, 'ann');
  roomId = (await ann.call('POST', '/api/rooms', { name: 'ops', visibility: 'public' })).body.roomId;
}, 180_000);

afterAll(async () => {
  await db?.end();
  await stack?.stop();
  await smtp?.stop();
  await nats?.stop();
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A member of the room whose email delay is one (shortened) minute. */
/** The notification mails a person got (registration also mails them a link to confirm their address). */
function digestsTo(u: TestUser) {
  return smtp.to(emailOf(u)).filter((m) => m.subject !== 'Confirm your email address for Natter');
}

async function member(name: string): Promise<TestUser> {
  const user = await TestUser.register(base, name);
  const join = await user.call('POST', `/api/rooms/${roomId}/join`);
  expect((await user.call('GET', `/api/rooms/${roomId}/members?minSeq=${join.body.seq}`)).status).toBe(200);
  expect((await user.call('PATCH', '/api/me/notification-settings', { emailDelayMinutes: 1 })).status).toBe(200);
  return user;
}

async function send(text: string): Promise<number> {
  const r = await ann.call('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: `m${++n}`, text });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.seq;
}

const emailOf = (u: TestUser) => u.tokens.user.email!;
const at = (u: TestUser) => `@${u.tokens.user.username}`;
const emailRows = async (u: TestUser) => (await db.query<{ seq: string; status: string; attempts: number; last_error: string | null }>(`select seq, status, attempts, last_error from notify.deliveries where channel = 'email' and user_id = $1 order by seq`, [u.id])).rows;
const settled = (u: TestUser, count: number) => waitFor('email rows settled', async () => {
  const rows = await emailRows(u);
  return rows.length === count && rows.every((r) => !['pending', 'sending'].includes(r.status));
}, 20_000);

describe('email digests', () => {
  it('mentions while away become one digest after the delay: text and HTML, escaped, with links and an unsubscribe link that works', async () => {
    const gus = await member('gus');
    await send(`${at(gus)} the deploy <b>failed</b>`);
    await send(`${at(gus)} rolling back`);
    await send(`${at(gus)} all green again`);
    await waitFor('digest for gus', async () => digestsTo(gus).length > 0, 20_000);
    await settled(gus, 3);
    await new Promise((r) => setTimeout(r, 500));
    const mails = digestsTo(gus);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail.subject).toBe('3 new notifications in Natter');
    for (const line of [`the deploy <b>failed</b>`, 'rolling back', 'all green again']) expect(mail.text).toContain(line);
    expect(mail.text).toContain('ann mentioned you in #ops');
    expect(mail.html).toContain('the deploy &lt;b&gt;failed&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>failed');
    expect(mail.text).toContain(`http://natter.test:8080/rooms/${roomId}?m=`);
    const unsubscribe = /http:\/\/natter\.test:8080\/unsubscribe\?token=([A-Za-z0-9_-]+)/.exec(mail.text!)!;
    expect(unsubscribe).not.toBeNull();
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line.replace(/\r\n\s+/g, ' ')).toBe(`List-Unsubscribe: <${unsubscribe[0]}>`); // folded as a long header
    expect((await emailRows(gus)).map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);

    // The link turns email off (no sign-in), the settings say so, and the next mention mails nobody.
    const off = await fetch(`${base}/api/notifications/unsubscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: unsubscribe[1] }) });
    expect(off.status).toBe(200);
    await waitFor('email off', async () => (await gus.call('GET', '/api/me/notification-settings')).body.email === false, 10_000);
    const later = await send(`${at(gus)} one more`);
    expect((await gus.call('GET', `/api/me/notifications?minSeq=${later}`)).body.items[0].messageSeq).toBe(later); // still in the center
    expect((await emailRows(gus)).map((r) => Number(r.seq))).not.toContain(later);
    const bad = await fetch(`${base}/api/notifications/unsubscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'x'.repeat(32) }) });
    expect([bad.status, ((await bad.json()) as { error: { code: string } }).error.code]).toEqual([404, 'not_found']);
  }, 60_000);

  it('what was read before the delay ran out is not mailed', async () => {
    const hal = await member('hal');
    const seq = await send(`${at(hal)} quick question`);
    const read = await hal.call('POST', '/api/me/notifications/read', { seqs: [seq] });
    expect(read.status).toBe(200);
    await settled(hal, 1);
    expect((await emailRows(hal)).map((r) => [r.status, r.last_error])).toEqual([['skipped', 'read or deleted']]);
    expect(digestsTo(hal)).toEqual([]);
  }, 60_000);

  it('reading the room (a read marker, as any device of theirs moves it) reads its notifications: the bell clears and nothing is mailed', async () => {
    const joy = await member('joy');
    const seq = await send(`${at(joy)} did you see the incident report?`);
    expect((await joy.call('GET', `/api/me/notifications?minSeq=${seq}`)).body).toMatchObject({ unread: 1, items: [{ messageSeq: seq, read: false }] });
    const marked = await joy.call('POST', '/api/me/read-markers', { markers: [{ roomId, seq }] });
    expect(marked.status, JSON.stringify(marked.body)).toBe(200);
    expect((await joy.call('GET', `/api/me/notifications?minSeq=${marked.body.seq}`)).body).toMatchObject({ unread: 0, items: [{ messageSeq: seq, read: true }] });
    await settled(joy, 1);
    expect((await emailRows(joy)).map((r) => [r.status, r.last_error])).toEqual([['skipped', 'read or deleted']]);
    expect(digestsTo(joy)).toEqual([]);
  }, 60_000);

  it('the digest goes to the address the person changed to, never to the old one; a deactivated account is mailed nothing', async () => {
    const kim = await member('kim');
    const old = emailOf(kim);
    const changed = await kim.call('POST', '/api/me/email', { email: 'kim.new@example.test', password: 'correct horse battery' });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    await send(`${at(kim)} the new address works?`);
    await waitFor('digest for kim at the new address', async () => smtp.to('kim.new@example.test').some((m) => m.subject === 'ann mentioned you in #ops'), 20_000);
    // The old address gets the security notice of the change, and no digest.
    expect(smtp.to(old).map((m) => m.subject)).not.toContain('ann mentioned you in #ops');

    const leo = await member('leo');
    expect((await leo.call('PATCH', '/api/me/notification-settings', { emailDelayMinutes: 5 })).status).toBe(200); // 7.5 s here
    const pending = await send(`${at(leo)} before you go`);
    const off = await ann.call('POST', `/api/admin/users/${leo.id}/deactivate`); // ann registered first: server admin
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    const after = await send(`${at(leo)} after you left`);
    await waitFor('the notifications projection past the last send', async () => Number((await db.query(`select last_seq from notify.checkpoint`)).rows[0]?.last_seq ?? 0) >= after, 20_000);
    expect((await emailRows(leo)).map((r) => [Number(r.seq), r.status])).toEqual([[pending, 'cancelled']]);
    expect(digestsTo(leo)).toEqual([]);
  }, 60_000);

  it('an SMTP server that says "try later" is retried with backoff, and the digest arrives once', async () => {
    const ivy = await member('ivy');
    smtp.refuseNext(451, 451);
    await send(`${at(ivy)} are the backups done?`);
    await waitFor('digest for ivy', async () => digestsTo(ivy).length > 0, 30_000);
    await settled(ivy, 1);
    expect((await emailRows(ivy)).map((r) => [r.status, r.attempts])).toEqual([['sent', 3]]);
    expect(digestsTo(ivy)).toHaveLength(1);
    expect(digestsTo(ivy)[0].subject).toBe('ann mentioned you in #ops');
  }, 60_000);
});
