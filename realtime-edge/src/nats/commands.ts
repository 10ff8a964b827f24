import type { NatsConnection } from '@nats-io/transport-node';
import { RpcReply, Subjects, type CommandName, type CommandRequest } from '@natter/contracts';
import { NatsRequester, type Histogram } from '@natter/infra/runtime';
import type { CommandForwarder } from '../ports';

/**
 * Commands as NATS requests to command-api (`natter.cmd.<Name>`), through infra's NatsRequester (one inbox, no
 * per-request Error or timer, unlike nats.js 3.3.1's `nc.request`). No responder, a timeout or a bad reply:
 * `unavailable`. Each round trip is observed in `latency` by command and outcome (`ok` or the error code).
 */
export class NatsCommandForwarder implements CommandForwarder {
  private readonly requests: NatsRequester;

  constructor(nc: NatsConnection, timeoutMs: number, private readonly latency?: Histogram<'command' | 'outcome'>) {
    this.requests = new NatsRequester(nc, timeoutMs);
  }

  async execute(name: CommandName, request: CommandRequest): Promise<RpcReply> {
    const t0 = performance.now();
    let reply: RpcReply;
    try {
      reply = RpcReply.parse((await this.requests.request(Subjects.command(name), JSON.stringify(request))).json());
    } catch (err) {
      reply = { ok: false, error: { code: 'unavailable', message: `command-api did not answer: ${(err as Error).message}` } };
    }
    this.latency?.observe({ command: name, outcome: reply.ok ? 'ok' : reply.error.code }, (performance.now() - t0) / 1000);
    return reply;
  }

  close(): void {
    this.requests.close();
  }
}
