import { Inject } from '@nestjs/common';
import type { Command } from '@nestjs/cqrs';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { CommandInputs, CommandRequest, NatterError, parseOrThrow, Subjects, type CommandName, type RpcReply } from '@natter/contracts';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { SessionChecker } from '../accounts/session-checker';
import { UpdateProfileCommand } from '../accounts/update-profile.command';
import { SendMessageCommand } from '../messages/send-message.command';
import { AddMemberCommand } from '../rooms/add-member.command';
import { CreateRoomCommand } from '../rooms/create-room.command';
import { JoinRoomCommand } from '../rooms/join-room.command';
import { LeaveRoomCommand } from '../rooms/leave-room.command';
import { RemoveMemberCommand } from '../rooms/remove-member.command';
import type { Caller } from './caller';
import { CommandRunner } from './command-runner';
import { toNatterError } from './errors';
import { Metrics } from './metrics';
import { LOGGER, NATS } from './tokens';

type Builders = { [K in CommandName]: (caller: Caller, input: z.output<(typeof CommandInputs)[K]>) => Command<unknown> };

/** NATS input -> the same command class HTTP builds, so both transports share handlers and results. */
const builders: Builders = {
  SendMessage: (c, i) => new SendMessageCommand(c, i.roomId, i.clientMsgId, i.text),
  CreateRoom: (c, i) => new CreateRoomCommand(c, i),
  JoinRoom: (c, i) => new JoinRoomCommand(c, i.roomId),
  LeaveRoom: (c, i) => new LeaveRoomCommand(c, i.roomId),
  AddMember: (c, i) => new AddMemberCommand(c, i.roomId, i.userId),
  RemoveMember: (c, i) => new RemoveMemberCommand(c, i.roomId, i.userId),
  UpdateProfile: (c, i) => new UpdateProfileCommand(c, i),
};

/**
 * The commands as NATS request endpoints `natter.cmd.<CommandName>` in queue group `command-api`, for the
 * edge. Request `{auth:{userId,sessionId}, input}`; reply RpcReply JSON with exactly the HTTP result.
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
    @Inject(SessionChecker) private readonly sessions: SessionChecker,
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  start(): void {
    for (const name of Object.keys(CommandInputs) as CommandName[]) {
      const sub = this.nc.subscribe(Subjects.command(name), {
        queue: Subjects.commandQueue,
        callback: (err, msg) => {
          if (err) return this.log.warn({ err, name }, 'command subscription error');
          void this.handle(name, msg);
        },
      });
      this.subs.push(sub);
    }
    this.log.info({ commands: Object.keys(CommandInputs), queue: Subjects.commandQueue }, 'nats command endpoints listening');
  }

  /** Stop taking requests and let in-flight ones finish. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.subs.map((s) => s.drain()));
    this.subs = [];
  }

  private async handle(name: CommandName, msg: Msg): Promise<void> {
    let reply: RpcReply;
    try {
      let raw: unknown;
      try {
        raw = msg.json();
      } catch (err) {
        throw new NatterError('bad_json', undefined, undefined, { cause: err });
      }
      const req = parseOrThrow(CommandRequest, raw);
      const input = parseOrThrow(CommandInputs[name] as z.ZodType, req.input);
      await this.sessions.assertActive(req.auth);
      const build = builders[name] as (c: Caller, i: unknown) => Command<unknown>;
      reply = { ok: true, result: await this.commands.run(build(req.auth, input), 'nats') };
    } catch (err) {
      const { error, unexpected } = toNatterError(err);
      if (unexpected) this.log.error({ err, name }, 'unhandled error in NATS command');
      this.metrics.error(error.code);
      reply = { ok: false, error: error.toBody().error };
    }
    if (msg.reply) msg.respond(JSON.stringify(reply));
  }
}
