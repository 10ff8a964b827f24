import { NatterError, type DirectoryEntry, type PublicProfile, type UserProfile } from '@natter/contracts';
import type { PresenceDirectory } from '@natter/infra/runtime';
import type { Caller } from '../http/auth';
import type { ReadModelReader, Snapshot } from '../read-model/reader';
import { DirectoryRepository, rowToEntry } from './directory.repository';
import type { LastSeen } from './last-seen';
import { rowToProfile, UsersRepository } from './users.repository';

/**
 * Profiles: your own (with email and whether you are a server admin), anyone else's (no email, with presence:
 * online now, else when last seen), and the directory of active users, which any signed-in user may search
 * (people are found to be added to rooms and messaged).
 */
export class UsersService {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly presence: Pick<PresenceDirectory, 'isOnline'>,
    private readonly lastSeen: LastSeen,
    private readonly users = new UsersRepository(),
    private readonly directory = new DirectoryRepository(),
  ) {}

  async me(caller: Caller, minSeq?: number): Promise<Snapshot<{ user: UserProfile }>> {
    return this.reader.read({ minSeq, callerId: caller.userId }, async (q) => {
      const row = await this.users.findById(q, caller.userId);
      if (!row) throw new NatterError('user_not_found', 'Your profile is not in the read model yet; retry with minSeq.');
      return { user: { ...rowToProfile(row, true), serverAdmin: row.server_admin } };
    });
  }

  async byId(caller: Caller, userId: string, minSeq?: number): Promise<Snapshot<{ user: PublicProfile }>> {
    const snap = await this.reader.read({ minSeq, callerId: caller.userId }, async (q) => {
      const row = await this.users.findById(q, userId);
      if (!row) throw new NatterError('user_not_found');
      return { row, profile: rowToProfile(row, userId === caller.userId) };
    });
    const online = !snap.value.row.deactivated && this.presence.isOnline(userId);
    const lastSeenAt = online ? null : await this.lastSeen.of(userId);
    return { asOfSeq: snap.asOfSeq, value: { user: { ...snap.value.profile, deactivated: snap.value.row.deactivated, online, lastSeenAt } } };
  }

  search(caller: Caller, text: string, limit: number, minSeq?: number): Promise<Snapshot<{ items: DirectoryEntry[] }>> {
    return this.reader.read({ minSeq, callerId: caller.userId }, async (q) => ({
      items: (await this.directory.search(q, text, limit, { includeDeactivated: false })).map(rowToEntry),
    }));
  }
}
