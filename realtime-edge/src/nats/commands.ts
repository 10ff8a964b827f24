import type { NatsConnection } from '@nats-io/transport-node';
import { RpcReply, Subjects, type CommandName, type CommandRequest } from '@natter/contracts';
import { NatsRequester } from '@natter/infra/runtime';
import type { CommandForwarder } from '../ports';

/**
 * Commands as NATS requests to command-api (`natter.cmd.<Name>`), through infra's NatsRequester (one inbox, no
 * per-request Error or timer, unlike nats.js 3.3.1's `nc.request`). No responder, a timeout or a bad reply:
 * `unavailable`.
 */
export class NatsCommandForwarder implements CommandForwarder {
  private readonly requests: NatsRequester;

  constructor(nc: NatsConnection, timeoutMs: number) {
    this.requests = new NatsRequester(nc, timeoutMs);
  }

  async execute(name: CommandName, request: CommandRequest): Promise<RpcReply> {
    try {
      const reply = await this.requests.request(Subjects.command(name), JSON.stringify(request));
      return RpcReply.parse(reply.json());
    } catch (err) {
      return { ok: false, error: { code: 'unavailable', message: `command-api did not answer: ${(err as Error).message}` } };
    }
  }

  close(): void {
    this.requests.close();
  }
}
