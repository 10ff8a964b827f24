import { Inject } from '@nestjs/common';
import { Subjects } from '@natter/contracts';
import type { CommandApiConfig } from '../config';
import { AggregateRepository } from '../shared/aggregates';
import { CONFIG } from '../shared/tokens';
import { assertServerAdmin, decideBootstrapAdmin, ServerAggregate, type ServerState } from './server.aggregate';

/**
 * The server aggregate as other features ask it: is this user a server admin (room archive/delete for
 * admins, every admin command), is registration open. Always refreshed from the stream (one direct get when
 * nothing changed), so a grant or revoke on any instance counts for the next command.
 */
export class ServerAdmins {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(CONFIG) private readonly config: CommandApiConfig,
  ) {}

  async state(): Promise<ServerState> {
    return (await this.aggregates.load(ServerAggregate, Subjects.server)).state;
  }

  async isAdmin(userId: string): Promise<boolean> {
    return (await this.state()).admins[userId] === true;
  }

  /** 403 forbidden unless `userId` is a server admin now. */
  async assertAdmin(userId: string): Promise<void> {
    assertServerAdmin(await this.state(), userId);
  }

  /**
   * After a registration: server admin for a username named at setup (NATTER_ADMIN_USERNAMES), or, when none
   * is named, for the first account ever. Concurrent first registrations race on the server aggregate's
   * version, so exactly one of them becomes the admin.
   */
  async bootstrap(userId: string, username: string): Promise<void> {
    const named = this.config.adminUsernames;
    await this.aggregates.execute(ServerAggregate, Subjects.server, null, ({ state }) => ({
      events: decideBootstrapAdmin(state, userId, { named: named.includes(username.toLowerCase()), anyNamed: named.length > 0 }),
      reply: () => undefined,
    }));
  }
}
