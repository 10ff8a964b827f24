import { NatterError, type CommandName, type CommandRequest, type RpcReply } from '@natter/contracts';
import type { Admission } from '@natter/infra/runtime';
import type { EdgeMetrics } from './metrics';
import type { CommandForwarder } from './ports';

/**
 * The node's bounded queue of forwarded commands (EDGE_MAX_COMMANDS_IN_FLIGHT, and a standing queue: infra's
 * Admission): past it a command is answered `overloaded` with a retry hint at once, without reaching command-api. The first place a flood is shed, so
 * command-api, NATS and this node's own fan-out keep serving what was admitted with a bounded delay.
 */
export class AdmittedCommands implements CommandForwarder {
  constructor(
    private readonly inner: CommandForwarder,
    private readonly admission: Admission,
    private readonly metrics: EdgeMetrics,
  ) {}

  async execute(name: CommandName, request: CommandRequest): Promise<RpcReply> {
    let started: number;
    try {
      started = this.admission.enter();
    } catch (err) {
      if (!(err instanceof NatterError)) throw err;
      this.metrics.commandsShed++;
      return { ok: false, error: err.toBody().error };
    }
    this.metrics.commandsInFlight++;
    try {
      return await this.inner.execute(name, request);
    } finally {
      this.admission.leave(started);
      this.metrics.commandsInFlight--;
    }
  }
}
