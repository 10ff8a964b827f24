import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import pino from 'pino';
import { Registry } from 'prom-client';
import { SMTPServer } from 'smtp-server';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/provision/migrate';
import { createKysely } from '../src/runtime/db';
import { createTestDatabase, type TestDatabase } from '../src/testing/postgres';
import { MailOutbox, OutboxWorker, SmtpMailer, mailConfigFromEnv, retryDelayMs, type OutboxWorkerOptions } from '../src/mail/index';

/**
 * The mail outbox on a real Postgres (migrated) and a real SMTP server that can be told to refuse: retries
 * with backoff on temporary failures, giving up on permanent ones, idempotent enqueueing, and a crashed
 * worker's claimed mail coming back after its lease.
 */
let database: TestDatabase;
let db: Kysely<any>;
const received: ParsedMail[] = [];
const answers: number[] = []; // SMTP codes to answer RCPT TO with, in order; empty: accept
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onRcptTo(_a, _s, cb) {
    const code = answers.shift();
    if (code) return cb(Object.assign(new Error(`answering ${code}`), { responseCode: code }));
    cb();
  },
  onData(stream, _s, cb) {
    simpleParser(stream).then((m) => { received.push(m); cb(); }, cb);
  },
});
let smtpUrl = '';
const log = pino({ level: 'silent' });
const fast: OutboxWorkerOptions = { pollMs: 50, baseDelayMs: 100, maxDelayMs: 400, maxAttempts: 4, leaseMs: 1000, batch: 5 };

beforeAll(async () => {
  database = await createTestDatabase();
  db = createKysely<any>(database.url, 3);
  await migrate(db, log);
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  smtpUrl = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await db?.destroy();
  await database?.drop();
});

const msg = (to: string) => ({ to, subject: `hello ${to}`, text: `text for ${to}`, html: `<p>html for ${to}</p>` });
const row = async (to: string) => (await sql<any>`select * from mail.outbox where to_address = ${to}`.execute(db)).rows[0];
async function until<T>(fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  for (const end = Date.now() + ms; ; ) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('mail outbox worker', () => {
  it('retries temporary failures with growing delays until the server accepts, then erases the body', async () => {
    const registry = new Registry();
    const outbox = new MailOutbox(db);
    const worker = new OutboxWorker(outbox, new SmtpMailer(mailConfigFromEnv({ SMTP_URL: smtpUrl }), log), log, fast, registry);
    answers.push(451, 452);
    await outbox.enqueue(msg('retry@example.test'), { kind: 'test' });
    const started = Date.now();
    worker.start();
    const got = await until(async () => received.find((m) => m.subject === 'hello retry@example.test'));
    await worker.stop();
    // Two failures waited about 100 ms and 200 ms (±20 %) before the third attempt.
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(got.text).toContain('text for retry@example.test');
    const r = await until(async () => { const x = await row('retry@example.test'); return x?.sent_at ? x : undefined; });
    expect(r).toMatchObject({ attempts: 3, text_body: '', html_body: '', failed_at: null, last_error: null });
    expect(r.message_id).toBe(got.messageId);
    const metrics = await registry.metrics();
    expect(metrics).toContain('natter_mail_sent_total{kind="test"} 1');
    expect(metrics).toContain('natter_mail_send_failures_total{kind="test",outcome="retry"} 2');
  });

  it('gives up at once on a permanent refusal and after maxAttempts on temporary ones', async () => {
    const outbox = new MailOutbox(db);
    const worker = new OutboxWorker(outbox, new SmtpMailer(mailConfigFromEnv({ SMTP_URL: smtpUrl }), log), log, fast);
    answers.push(550);
    await outbox.enqueue(msg('permanent@example.test'), { kind: 'test' });
    worker.start();
    const perm = await until(async () => { const x = await row('permanent@example.test'); return x?.failed_at ? x : undefined; });
    await worker.stop();
    expect(perm).toMatchObject({ attempts: 1, sent_at: null, text_body: '' });
    expect(perm.last_error).toContain('550');

    const dead = new OutboxWorker(outbox, new SmtpMailer(mailConfigFromEnv({ SMTP_URL: 'smtp://127.0.0.1:1', MAIL_TIMEOUT_MS: '200' }), log), log, fast);
    await outbox.enqueue(msg('unreachable@example.test'), { kind: 'test' });
    dead.start();
    const gaveUp = await until(async () => { const x = await row('unreachable@example.test'); return x?.failed_at ? x : undefined; });
    await dead.stop();
    expect(gaveUp.attempts).toBe(fast.maxAttempts);
    expect(received.some((m) => m.subject?.includes('permanent') || m.subject?.includes('unreachable'))).toBe(false);
  });

  it('enqueues once per dedupe key, and a crashed worker\'s claimed mail is sent after its lease, once', async () => {
    const outbox = new MailOutbox(db);
    expect(await outbox.enqueue(msg('once@example.test'), { kind: 'test', dedupeKey: 'k1' })).toBe(true);
    expect(await outbox.enqueue(msg('once@example.test'), { kind: 'test', dedupeKey: 'k1' })).toBe(false);
    // A worker claims the row and dies before sending (nothing marks it).
    const claimed = await outbox.claim(10, 500);
    expect(claimed.map((c) => c.message.to)).toEqual(['once@example.test']);
    expect(await outbox.claim(10, 500)).toEqual([]); // held by the lease
    const worker = new OutboxWorker(outbox, new SmtpMailer(mailConfigFromEnv({ SMTP_URL: smtpUrl }), log), log, fast);
    worker.start();
    await until(async () => received.find((m) => m.subject === 'hello once@example.test'));
    await new Promise((r) => setTimeout(r, 300));
    await worker.stop();
    expect(received.filter((m) => m.subject === 'hello once@example.test')).toHaveLength(1);
  });

  it('backs off exponentially with jitter, capped', () => {
    const o = { baseDelayMs: 1000, maxDelayMs: 10_000 };
    expect([1, 2, 3, 4, 5, 9].map((a) => retryDelayMs(a, o, () => 0.5))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(retryDelayMs(1, o, () => 0)).toBe(800);
    expect(retryDelayMs(1, o, () => 1)).toBe(1200);
  });
});
