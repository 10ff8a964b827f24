import { Inject } from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { Admission } from '@natter/infra/runtime';
import { CommandRequest, Commands, natsCommandNames, NatterError, parseOrThrow, Subjects, type NatsCommandName, type RpcReply } from '@natter/contracts';
import type { Logger } from 'pino';
import { COMMAND_FACTORIES, factoryOf, type CommandFactories } from './command-factories';
import { CommandRunner } from './command-runner';
import { toNatterError } from './errors';
import { Metrics } from './metrics';
import { SESSION_GATE, type SessionGate } from './session-gate';
import { LOGGER, NATS } from './tokens';

/**
 * The commands with `nats: true` in contracts' `Commands` as NATS request endpoints `natter.cmd.<Name>` in
 * queue group `command-api`, for the edge. Request `{auth:{userId,sessionId}, input}`, input validated
 * against the command's input schema; reply RpcReply JSON with exactly the HTTP result (the same factory
 * builds the same command class, so both transports share handlers and results).
 *
 * Plain `nc.subscribe(subject, {queue})` + `msg.respond` rather than the NATS micro-services framework:
 * `@nats-io/services` exists on npm only as a 3.0.0 prerelease, and we would use none of its discovery or
 * stats. The caller is trusted as named in `auth` (only services hold NATS credentials), but its session
 * must still be active: a revoked session's late commands are refused here too.
 */
export class CommandEndpoints {
  private subs: Subscription[] = [];

  constructor(
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(CommandRunner) private readonly commands: CommandRunner,
    @Inject(COMMAND_FACTORIES) private readonly factories: CommandFactories,
    @Inject(SESSION_GATE) private readonly sessions: SessionGate,
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(Admission) private readonly admission: Admission,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  start(): void {
    for (const name of natsCommandNames) {
      const sub = this.nc.subscribe(Subjects.command(name), {
        queue: Subjects.commandQueue,
        callback: (err, msg) => {
          if (err) return this.log.warn({ err, name }, 'command subscription error');
          void this.handle(name, msg);
        },
      });
      this.subs.push(sub);
    }
    this.log.info({ commands: natsCommandNames, queue: Subjects.commandQueue }, 'nats command endpoints listening');
  }

  /** Stop taking requests and let in-flight ones finish. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.subs.map((s) => s.drain()));
    this.subs = [];
  }

  private async handle(name: NatsCommandName, msg: Msg): Promise<void> {
    let reply: RpcReply;
    try {
      // Refused before anything is parsed when this process is at capacity (`overloaded`, with a retry hint).
      reply = { ok: true, result: await this.admission.run(() => this.execute(name, msg)) };
    } catch (err) {
      const { error, unexpected } = toNatterError(err);
      if (unexpected) this.log.error({ err, name }, 'unhandled error in NATS command');
      this.metrics.error(error.code, 'nats');
      reply = { ok: false, error: error.toBody().error };
    }
    if (msg.reply) msg.respond(JSON.stringify(reply));
  }

  private async execute(name: NatsCommandName, msg: Msg): Promise<unknown> {
    let raw: unknown;
    try {
      raw = msg.json();
    } catch (err) {
      throw new NatterError('bad_json', undefined, undefined, { cause: err });
    }
    const req = parseOrThrow(CommandRequest, raw);
    const input = parseOrThrow(Commands[name].input, req.input);
    await this.sessions.assertActive(req.auth);
    const command = factoryOf(this.factories, name)(input, { caller: req.auth, ip: null });
    return this.commands.run(command, 'nats');
  }
}
