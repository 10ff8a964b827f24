import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on a loopback port that parses every mail it accepts (mailparser). `refuseNext` answers
 * the next RCPT TO commands with the given codes (451: try later; 550: refused).
 */
export class SmtpCatcher {
  readonly received: ParsedMail[] = [];
  private readonly refusals: number[] = [];
  private constructor(private readonly server: SMTPServer, readonly url: string) {}

  static async start(): Promise<SmtpCatcher> {
    let self!: SmtpCatcher;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _s, cb) {
        const code = self.refusals.shift();
        if (code) return cb(Object.assign(new Error(`refused ${address.address}`), { responseCode: code }));
        cb();
      },
      onData(stream, _s, cb) {
        simpleParser(stream).then((m) => {
          self.received.push(m);
          cb();
        }, cb);
      },
    });
    server.listen(0, '127.0.0.1');
    await once(server.server, 'listening');
    self = new SmtpCatcher(server, `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`);
    return self;
  }

  refuseNext(...codes: number[]): void {
    this.refusals.push(...codes);
  }

  to(address: string): ParsedMail[] {
    return this.received.filter((m) => (m.to as { value: { address: string }[] } | undefined)?.value.some((v) => v.address === address));
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
