import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { NatsConnection } from '@nats-io/transport-node';
import { NatterError, RebuildStatus, RpcReply, Subjects } from '@natter/contracts';
import { NatsRequester } from '@natter/infra/runtime';
import { NATS } from '../shared/tokens';
import { RebuildReadModelCommand } from './rebuild-read-model.command';
import { ServerAdmins } from './server-admins';

/**
 * Server admin: ask a projectors instance (`natter.admin.rebuild`, queue group `projectors`) to rebuild the
 * read models. It answers at once with the rebuild's status (started, or 409 conflict while one runs) and
 * works in the background; progress is in its `natter.status` answers. No projectors: 503 unavailable.
 */
@CommandHandler(RebuildReadModelCommand)
export class RebuildReadModelHandler implements ICommandHandler<RebuildReadModelCommand> {
  private readonly requests: NatsRequester;

  constructor(
    @Inject(ServerAdmins) private readonly server: ServerAdmins,
    @Inject(NATS) nc: NatsConnection,
  ) {
    this.requests = new NatsRequester(nc, 5000);
  }

  async execute({ caller }: RebuildReadModelCommand): Promise<RebuildStatus> {
    await this.server.assertAdmin(caller.userId);
    const reply = RpcReply.parse((await this.requests.request(Subjects.adminRebuild, JSON.stringify({ by: caller.userId }))).json());
    if (!reply.ok) throw new NatterError(reply.error.code, reply.error.message);
    return RebuildStatus.parse(reply.result);
  }
}
