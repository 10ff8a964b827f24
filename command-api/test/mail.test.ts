import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kvm } from '@nats-io/kv';
import { decodeJwt } from 'jose';
import { Buckets, Subjects } from '@natter/contracts';
import { RevocationKeys } from '@natter/infra/runtime';
import { startMailCatcherProcess, type CaughtMail, type MailCatcherProcess } from '@natter/infra/testing';
import { sql } from 'kysely';
import { startHarness, type Harness } from './harness';

/**
 * Password reset, email verification and email changes against the real stack (NATS, Postgres, command-api with its outbox
 * worker) and a real SMTP server process (the mail catcher) whose mails are parsed with mailparser.
 */
let h: Harness;
let smtp: MailCatcherProcess;
beforeAll(async () => {
  smtp = await startMailCatcherProcess();
  h = await startHarness({ env: { COMMAND_API_PASSWORD_RESET_PER_ADDRESS: '100000/1', SMTP_URL: smtp.smtpUrl, MAIL_FROM: 'Natter <natter@chat.example.test>', PUBLIC_URL: 'http://chat.example.test:8080', MAIL_POLL_MS: '200' } });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await smtp?.stop();
});

const tokenOf = (m: CaughtMail, path: string) => {
  const link = m.links.find((l) => l.startsWith(`http://chat.example.test:8080${path}#token=`));
  expect(link, `a ${path} link in: ${m.text}`).toBeDefined();
  return new URL(link!).hash.slice('#token='.length);
};
const sidOf = (accessToken: string) => decodeJwt(accessToken).sid as string;

describe('password reset by email', () => {
  it('mails a single-use link; the new password works, the old one does not, and every session ends', async () => {
    const alice = await h.register('alice_reset', 'old password 123');
    const other = await h.http('POST', '/api/auth/login', { login: 'alice_reset', password: 'old password 123' });
    expect(other.status).toBe(200);
    const before = (await smtp.mails()).length;

    const asked = await h.http('POST', '/api/auth/password-reset/request', { login: 'ALICE_RESET@example.test' });
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ ok: true });
    const mail = await smtp.waitForMail((m) => m.subject === 'Reset your Natter password', { after: before });
    expect(mail.to).toEqual(['alice_reset@example.test']);
    expect(mail.from).toBe('natter@chat.example.test');
    expect(mail.text).toContain('alice_reset');
    expect(mail.html).toContain('Choose a new password');
    const token = tokenOf(mail, '/reset-password');
    expect(mail.html).toContain(`/reset-password#token=${token}`);

    // The token is stored hashed only, and never reaches the event log; the mail body leaves the outbox once sent.
    const stored = await h.db.selectFrom('auth.email_tokens').selectAll().where('user_id', '=', alice.user.id).where('purpose', '=', 'password_reset').execute();
    expect(stored).toHaveLength(1);
    expect(stored[0].token_hash).not.toContain(token);
    const outbox = await sql<{ text_body: string; sent_at: Date | null }>`select text_body, sent_at from mail.outbox where kind = 'password_reset' and to_address = 'alice_reset@example.test'`.execute(h.db);
    expect(outbox.rows).toEqual([{ text_body: '', sent_at: expect.any(Date) }]);

    const done = await h.http('POST', '/api/auth/password-reset', { token, password: 'new password 456' });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ ok: true, seq: expect.any(Number) });

    // The link works once.
    const again = await h.http('POST', '/api/auth/password-reset', { token, password: 'another password 789' });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('link_used');

    expect((await h.http('POST', '/api/auth/login', { login: 'alice_reset', password: 'old password 123' })).status).toBe(401);
    expect((await h.http('POST', '/api/auth/login', { login: 'alice_reset', password: 'new password 456' })).status).toBe(200);
    expect((await h.http('POST', '/api/auth/login', { login: 'alice_reset', password: 'another password 789' })).status).toBe(401);

    // Both earlier sessions ended: their access tokens are refused, their refresh tokens too, and the log says so.
    for (const s of [alice, other.body]) {
      expect((await h.http('PATCH', '/api/me', { bio: 'still here?' }, s.accessToken)).status).toBe(401);
      expect((await h.http('POST', '/api/auth/refresh', { refreshToken: s.refreshToken })).status).toBe(401);
      const kv = await (await new Kvm(h.nc).open(Buckets.revoked)).get(RevocationKeys.session(sidOf(s.accessToken)));
      expect(kv?.operation).toBe('PUT');
    }
    const events = await h.events(Subjects.user(alice.user.id));
    const tail = events.filter((e) => e.seq > alice.seq);
    expect(tail.filter((e) => e.type === 'SessionRevoked').map((e) => e.data.sessionId).sort()).toEqual([sidOf(alice.accessToken), sidOf(other.body.accessToken)].sort());
    expect(tail.find((e) => e.type === 'PasswordReset')).toMatchObject({ data: { userId: alice.user.id, via: 'email' }, actor: alice.user.id, seq: done.body.seq - 1 });
    // The link proved the address too.
    expect(tail.find((e) => e.type === 'EmailVerified')).toMatchObject({ data: { userId: alice.user.id, email: 'alice_reset@example.test' } });
    const raw = JSON.stringify(events);
    expect(raw).not.toContain(token);
    expect(raw).not.toContain('new password 456');
  });

  it('answers an unknown login exactly as a known one, and sends nothing', async () => {
    await h.register('bob_exists');
    const before = (await smtp.mails()).length;
    const unknown = await h.http('POST', '/api/auth/password-reset/request', { login: 'nobody_here' });
    const unknownEmail = await h.http('POST', '/api/auth/password-reset/request', { login: 'nobody@example.test' });
    const known = await h.http('POST', '/api/auth/password-reset/request', { login: 'bob_exists' });
    expect([unknown.status, unknownEmail.status, known.status]).toEqual([202, 202, 202]);
    expect(unknown.body).toEqual(known.body);
    expect(unknownEmail.body).toEqual(known.body);
    // Logins that cannot be a username at all are answered the same too (never a 5xx).
    for (const login of ['with space', 'ümlaut', '../x', 'a.b*>', '@', 'x@']) {
      expect((await h.http('POST', '/api/auth/password-reset/request', { login })).status, login).toBe(202);
      // Login shares the lookup: such a login was a 500 before, and is now the plain wrong-credentials answer.
      const r = await h.http('POST', '/api/auth/login', { login, password: 'whatever password' });
      expect([r.status, r.body.error.code], login).toEqual([401, 'invalid_credentials']);
    }
    await smtp.waitForMail((m) => m.to[0] === 'bob_exists@example.test' && m.subject.startsWith('Reset'), { after: before });
    // Bob's mail has arrived; the worker sends in order of queueing, so nothing for the unknown ones is on its way.
    const outbox = await sql<{ n: number }>`select count(*)::int as n from mail.outbox where to_address like 'nobody%'`.execute(h.db);
    expect(outbox.rows[0].n).toBe(0);
    expect((await smtp.mails()).slice(before).filter((m) => m.subject.startsWith('Reset')).map((m) => m.to[0])).toEqual(['bob_exists@example.test']);
  });

  it('refuses expired, used-up, garbage and wrong-purpose tokens with a 4xx code, changing nothing', async () => {
    const carol = await h.register('carol_links', 'carol password 1');
    const before = (await smtp.mails()).length;
    expect((await h.http('POST', '/api/auth/password-reset/request', { login: 'carol_links' })).status).toBe(202);
    const token = tokenOf(await smtp.waitForMail((m) => m.to[0] === 'carol_links@example.test' && m.subject.startsWith('Reset'), { after: before }), '/reset-password');
    // Expire it (as an hour passing would).
    await h.db.updateTable('auth.email_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', carol.user.id).where('purpose', '=', 'password_reset').execute();
    const expired = await h.http('POST', '/api/auth/password-reset', { token, password: 'new carol password' });
    expect([expired.status, expired.body.error.code]).toEqual([410, 'link_expired']);
    for (const garbage of ['x', 'A'.repeat(43), '../../etc/passwd' + 'a'.repeat(30)]) {
      const r = await h.http('POST', '/api/auth/password-reset', { token: garbage, password: 'new carol password' });
      expect([r.status, r.body.error.code]).toEqual([400, 'link_invalid']);
    }
    const tooLong = await h.http('POST', '/api/auth/password-reset', { token: 'a'.repeat(500), password: 'new carol password' });
    expect([tooLong.status, tooLong.body.error.code]).toEqual([400, 'validation_failed']);
    // A verification link is not a reset link.
    const verifyMail = (await smtp.mails()).find((m) => m.to[0] === 'carol_links@example.test' && m.subject.startsWith('Confirm'))!;
    const wrong = await h.http('POST', '/api/auth/password-reset', { token: tokenOf(verifyMail, '/verify-email'), password: 'new carol password' });
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 'link_invalid']);
    const short = await h.http('POST', '/api/auth/password-reset', { token, password: 'short' });
    expect([short.status, short.body.error.code]).toEqual([400, 'validation_failed']);
    // Nothing changed: the old password still works and nothing was appended.
    expect((await h.http('POST', '/api/auth/login', { login: 'carol_links', password: 'carol password 1' })).status).toBe(200);
    expect((await h.events(Subjects.user(carol.user.id))).map((e) => e.type)).not.toContain('PasswordReset');
  });
});

describe('email verification', () => {
  it('mails a link at registration; opening it appends EmailVerified and the profile shows it', async () => {
    const before = (await smtp.mails()).length;
    const dave = await h.register('dave_verify');
    expect(dave.user.emailVerified).toBe(false);
    const mail = await smtp.waitForMail((m) => m.to[0] === 'dave_verify@example.test', { after: before });
    expect(mail.subject).toBe('Confirm your email address for Natter');
    const token = tokenOf(mail, '/verify-email');
    const r = await h.http('POST', '/api/auth/verify-email', { token });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, email: 'dave_verify@example.test', seq: expect.any(Number) });
    const events = await h.events(Subjects.user(dave.user.id));
    expect(events.at(-1)).toMatchObject({ type: 'EmailVerified', seq: r.body.seq, data: { userId: dave.user.id, email: 'dave_verify@example.test' } });
    expect(JSON.stringify(events)).not.toContain(token);
    const again = await h.http('POST', '/api/auth/verify-email', { token });
    expect([again.status, again.body.error.code]).toEqual([410, 'link_used']);
    // The read side: your own profile says verified.
    const me = await h.query('GET', `/api/me?minSeq=${r.body.seq}`, undefined, dave.accessToken);
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email: 'dave_verify@example.test', emailVerified: true });
    // Verified: asking for another link sends nothing.
    const n = (await smtp.mails()).length;
    expect((await h.http('POST', '/api/me/email/verification', undefined, dave.accessToken)).status).toBe(202);
    await new Promise((res) => setTimeout(res, 500));
    expect((await smtp.mails()).length).toBe(n);
  });

  it('an email change needs the password, mails the new address a link and the old one a notice; an old link no longer verifies', async () => {
    const before = (await smtp.mails()).length;
    const erin = await h.register('erin_change', 'erin password 1');
    const firstLink = tokenOf(await smtp.waitForMail((m) => m.to[0] === 'erin_change@example.test', { after: before }), '/verify-email');
    const wrongPw = await h.http('POST', '/api/me/email', { email: 'erin.new@example.test', password: 'nope nope' }, erin.accessToken);
    expect([wrongPw.status, wrongPw.body.error.code]).toEqual([401, 'invalid_credentials']);
    const taken = await h.http('POST', '/api/me/email', { email: 'DAVE_VERIFY@example.test', password: 'erin password 1' }, erin.accessToken);
    expect([taken.status, taken.body.error.code]).toEqual([409, 'email_taken']);
    const changed = await h.http('POST', '/api/me/email', { email: 'erin.new@example.test', password: 'erin password 1' }, erin.accessToken);
    expect(changed.status).toBe(200);
    expect(changed.body.user).toMatchObject({ email: 'erin.new@example.test', emailVerified: false });
    const notice = await smtp.waitForMail((m) => m.to[0] === 'erin_change@example.test' && m.subject === 'Your Natter email address was changed');
    expect(notice.text).toContain('erin.new@example.test');
    const newLink = tokenOf(await smtp.waitForMail((m) => m.to[0] === 'erin.new@example.test'), '/verify-email');
    // The link sent to the old address confirms nothing now.
    const stale = await h.http('POST', '/api/auth/verify-email', { token: firstLink });
    expect([stale.status, stale.body.error.code]).toEqual([400, 'link_invalid']);
    const ok = await h.http('POST', '/api/auth/verify-email', { token: newLink });
    expect(ok.body).toMatchObject({ ok: true, email: 'erin.new@example.test' });
    // Login works with the new address, and the old one is free for someone else.
    expect((await h.http('POST', '/api/auth/login', { login: 'erin.new@example.test', password: 'erin password 1' })).status).toBe(200);
    expect((await h.http('POST', '/api/auth/login', { login: 'erin_change@example.test', password: 'erin password 1' })).status).toBe(401);
    const reuse = await h.http('POST', '/api/auth/register', { username: 'frank_reuse', email: 'erin_change@example.test', password: 'frank password 1', displayName: 'Frank' });
    expect(reuse.status).toBe(201);
    const types = (await h.events(Subjects.user(erin.user.id))).map((e) => e.type).filter((t) => t.startsWith('Email'));
    expect(types).toEqual(['EmailChanged', 'EmailVerified']);
  });
});

describe('changing the email address', () => {
  it('a password reset link mailed to the old address stops working: link_invalid, the password unchanged', async () => {
    const gina = await h.register('gina_moves', 'gina password 1');
    const before = (await smtp.mails()).length;
    expect((await h.http('POST', '/api/auth/password-reset/request', { login: 'gina_moves' })).status).toBe(202);
    const token = tokenOf(await smtp.waitForMail((m) => m.to[0] === 'gina_moves@example.test' && m.subject === 'Reset your Natter password', { after: before }), '/reset-password');

    const changed = await h.http('POST', '/api/me/email', { email: 'gina.new@example.test', password: 'gina password 1' }, gina.accessToken);
    expect(changed.status).toBe(200);

    const stale = await h.http('POST', '/api/auth/password-reset', { token, password: 'hijacked password 2' });
    expect([stale.status, stale.body.error.code]).toEqual([400, 'link_invalid']);
    expect((await h.http('POST', '/api/auth/login', { login: 'gina.new@example.test', password: 'hijacked password 2' })).status).toBe(401);
    expect((await h.http('POST', '/api/auth/login', { login: 'gina.new@example.test', password: 'gina password 1' })).status).toBe(200);
    expect((await h.events(Subjects.user(gina.user.id))).map((e) => e.type)).not.toContain('PasswordReset');

    // A reset asked for now goes to the new address and works.
    const next = (await smtp.mails()).length;
    expect((await h.http('POST', '/api/auth/password-reset/request', { login: 'gina_moves' })).status).toBe(202);
    const fresh = tokenOf(await smtp.waitForMail((m) => m.to[0] === 'gina.new@example.test' && m.subject === 'Reset your Natter password', { after: next }), '/reset-password');
    expect((await h.http('POST', '/api/auth/password-reset', { token: fresh, password: 'gina password 3' })).status).toBe(200);
  });

  it('the same address again (any case) changes nothing and answers the current profile and seq', async () => {
    const hal = await h.register('hal_stays', 'hal password 1');
    const count = await h.streamCount();
    const same = await h.http('POST', '/api/me/email', { email: 'HAL_STAYS@example.test', password: 'hal password 1' }, hal.accessToken);
    expect(same.status).toBe(200);
    expect(same.body.user).toMatchObject({ email: 'hal_stays@example.test' });
    const events = await h.events(Subjects.user(hal.user.id));
    expect(same.body.seq).toBe(events[events.length - 1].seq);
    expect(await h.streamCount()).toBe(count);
  });
});

describe('mail delivery', () => {
  it('a request answers at once while the SMTP server hangs; the mail goes out once it answers again (retries: infra/test/mail-outbox.test.ts)', async () => {
    // The SMTP server stops answering (SIGSTOP: connections hang, as with a stuck server); the request only queues.
    await h.register('gina_retry');
    smtp.proc.kill('SIGSTOP');
    try {
      // The answer comes while the SMTP server is still stopped: a request that waited for the mail would hang
      // here until the test's timeout.
      const r = await h.http('POST', '/api/auth/password-reset/request', { login: 'gina_retry' });
      expect(r.status).toBe(202);
      expect((await smtp.mails()).filter((m) => m.to[0] === 'gina_retry@example.test' && m.subject.startsWith('Reset'))).toEqual([]);
    } finally {
      smtp.proc.kill('SIGCONT');
    }
    const mail = await smtp.waitForMail((m) => m.to[0] === 'gina_retry@example.test' && m.subject.startsWith('Reset'), { timeoutMs: 30_000 });
    expect(tokenOf(mail, '/reset-password')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  }, 40_000);

  it('limits reset requests per login, known or not, with 429 and a retry hint', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await h.http('POST', '/api/auth/password-reset/request', { login: 'limit_target' })).status);
    expect(codes).toEqual([202, 202, 202, 429]);
    const r = await h.http('POST', '/api/auth/password-reset/request', { login: 'limit_target' });
    expect(r.body.error.code).toBe('rate_limited');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
