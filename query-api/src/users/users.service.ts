import { NatterError, type UserProfile } from '@natter/contracts';
import type { ReadModelReader, Snapshot } from '../read-model/reader';
import type { Caller } from '../http/auth';
import { rowToProfile, UsersRepository } from './users.repository';

/** Profiles: your own (with email), anyone else's (without). */
export class UsersService {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly users = new UsersRepository(),
  ) {}

  async me(caller: Caller, minSeq?: number): Promise<Snapshot<{ user: UserProfile }>> {
    return this.reader.read({ minSeq, callerId: caller.userId }, async (q) => {
      const row = await this.users.findById(q, caller.userId);
      if (!row) throw new NatterError('user_not_found', 'Your profile is not in the read model yet; retry with minSeq.');
      return { user: rowToProfile(row, true) };
    });
  }

  async byId(caller: Caller, userId: string, minSeq?: number): Promise<Snapshot<{ user: UserProfile }>> {
    return this.reader.read({ minSeq, callerId: caller.userId }, async (q) => {
      const row = await this.users.findById(q, userId);
      if (!row) throw new NatterError('user_not_found');
      return { user: rowToProfile(row, userId === caller.userId) };
    });
  }
}
