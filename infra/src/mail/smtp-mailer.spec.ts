import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailSendError, mailConfigFromEnv, mailerFromEnv, renderMail } from './index';

/** A real SMTP server on a loopback port that parses what it receives; `refuse` makes it answer 550 or 451. */
function startSmtp() {
  const received: ParsedMail[] = [];
  const state = { refuse: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(address, _s, cb) {
      if (state.refuse) return cb(Object.assign(new Error(`refused ${address.address}`), { responseCode: state.refuse }));
      cb();
    },
    onData(stream, _s, cb) {
      simpleParser(stream).then((m) => { received.push(m); cb(); }, cb);
    },
  });
  server.listen(0, '127.0.0.1');
  return { server, received, state };
}

describe('SMTP mailer', () => {
  const smtp = startSmtp();
  const log = pino({ level: 'silent' });
  let port = 0;
  beforeAll(async () => {
    if (!smtp.server.server.listening) await once(smtp.server.server, 'listening');
    port = (smtp.server.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => smtp.server.close(() => r())));

  it('delivers both parts, the From from MAIL_FROM, extra headers, and escapes template values', async () => {
    const mailer = mailerFromEnv({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Natter Test <robot@natter.test>' }, log);
    const body = renderMail({ heading: 'Hi <b>Ann</b>', paragraphs: ['Reset & go'], action: { label: 'Reset', url: 'http://127.0.0.1:8080/reset?token=a"b' }, footerLink: { label: 'Unsubscribe', url: 'http://127.0.0.1:8080/u' } });
    const { messageId } = await mailer.send({ to: 'ann@example.test', subject: 'Reset your password', ...body, headers: { 'List-Unsubscribe': '<http://127.0.0.1:8080/u>' } });
    await mailer.close();
    expect(messageId).toMatch(/^<.+@.+>$/);
    const got = smtp.received.at(-1)!;
    expect(got.messageId).toBe(messageId);
    expect(got.from?.value[0]).toEqual({ name: 'Natter Test', address: 'robot@natter.test' });
    expect((got.to as { value: { address: string }[] }).value[0].address).toBe('ann@example.test');
    expect(got.subject).toBe('Reset your password');
    expect(got.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toBe('List-Unsubscribe: <http://127.0.0.1:8080/u>');
    expect(got.text).toContain('Hi <b>Ann</b>');
    expect(got.text).toContain('http://127.0.0.1:8080/reset?token=a%22b');
    expect(got.html).toContain('Hi &lt;b&gt;Ann&lt;/b&gt;');
    expect(got.html).not.toContain('<b>Ann');
    expect(got.html).toContain('href="http://127.0.0.1:8080/reset?token=a%22b"');
  });

  it('reports an SMTP 5xx as permanent, a 4xx and a dead server as temporary', async () => {
    const mailer = mailerFromEnv({ SMTP_URL: `smtp://127.0.0.1:${port}` }, log);
    const msg = { to: 'bob@example.test', subject: 's', text: 't', html: '<p>t</p>' };
    smtp.state.refuse = 550;
    const perm = await mailer.send(msg).catch((e) => e);
    smtp.state.refuse = 451;
    const temp = await mailer.send(msg).catch((e) => e);
    smtp.state.refuse = 0;
    await mailer.close();
    expect(perm).toBeInstanceOf(MailSendError);
    expect(perm).toMatchObject({ permanent: true, responseCode: 550 });
    expect(temp).toMatchObject({ permanent: false, responseCode: 451 });
    const dead = mailerFromEnv({ SMTP_URL: 'smtp://127.0.0.1:1', MAIL_TIMEOUT_MS: '500' }, log);
    const down = await dead.send(msg).catch((e) => e);
    await dead.close();
    expect(down).toBeInstanceOf(MailSendError);
    expect(down.permanent).toBe(false);
  });

  it('refuses header injection and reserved headers before talking to the server', async () => {
    const mailer = mailerFromEnv({ SMTP_URL: `smtp://127.0.0.1:${port}` }, log);
    const before = smtp.received.length;
    const base = { to: 'c@example.test', subject: 's', text: 't', html: 't' };
    await expect(mailer.send({ ...base, subject: 'a\r\nBcc: x@evil.test' })).rejects.toMatchObject({ code: 'bad_header' });
    await expect(mailer.send({ ...base, to: 'c@example.test, x@evil.test' })).rejects.toMatchObject({ code: 'bad_header' });
    await expect(mailer.send({ ...base, headers: { From: 'x@evil.test' } })).rejects.toMatchObject({ code: 'bad_header' });
    await expect(mailer.send({ ...base, headers: { 'X-A': 'v\nBcc: x' } })).rejects.toMatchObject({ code: 'bad_header' });
    await mailer.close();
    expect(smtp.received.length).toBe(before);
  });

  it('reads its configuration from the environment with safe defaults and clear errors', () => {
    expect(mailConfigFromEnv({})).toEqual({ smtpUrl: 'smtp://127.0.0.1:2525', from: 'Natter <natter@localhost>', publicUrl: 'http://127.0.0.1:8080', timeoutMs: 10_000 });
    expect(mailConfigFromEnv({ PUBLIC_URL: 'https://chat.example.org/' }).publicUrl).toBe('https://chat.example.org');
    expect(() => mailConfigFromEnv({ SMTP_URL: 'http://x' })).toThrow(/SMTP_URL must start with smtp/);
    expect(() => mailConfigFromEnv({ SMTP_URL: 'nonsense' })).toThrow(/SMTP_URL must be a URL/);
    expect(() => mailConfigFromEnv({ PUBLIC_URL: 'javascript:alert(1)' })).toThrow(/PUBLIC_URL/);
    expect(() => renderMail({ heading: 'h', paragraphs: [], action: { label: 'x', url: 'javascript:alert(1)' } })).toThrow(/http\(s\)/);
  });
});
