import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Subjects } from '@natter/contracts';
import { startMailCatcherProcess, type CaughtMail, type MailCatcherProcess } from '@natter/infra/testing';
import { startHarness, type Harness } from './harness';

/**
 * What an email change does to the links already mailed to the old address (real NATS, Postgres, outbox
 * worker and an SMTP catcher process). The rest of the change and of password resets: mail.test.ts.
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
