import { NatterError, roleAtLeast, type Ban, type Invite, type Member, type MyRoom, type Role, type Room } from '@natter/contracts';
import type { Caller } from '../http/auth';
import { MembersRepository } from '../members/members.repository';
import type { ReadModelReader, Snapshot } from '../read-model/reader';
import type { ReadScope } from '../read-model/scope';
import { UnreadRepository } from '../read-state/unread.repository';
import { memberRole } from './member-access';
import { ModerationRepository } from './moderation.repository';
import { RoomsRepository, rowToRoom, type RoomColumns } from './rooms.repository';

/**
 * Room reads and who may see them:
 * - public rooms: any signed-in user sees details and members;
 * - private rooms (direct messages included): members only; to anyone else a private room's details and
 *   members are 404 room_not_found (private rooms are not discoverable);
 * - a room that does not exist, or was deleted, looks exactly like a private room you are not in, so ids leak
 *   nothing;
 * - invite links: the owner and admins; bans: moderators and up (403 forbidden for lower roles).
 */
export class RoomsService {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly rooms = new RoomsRepository(),
    private readonly members = new MembersRepository(),
    private readonly moderation = new ModerationRepository(),
    private readonly unread = new UnreadRepository(),
  ) {}

  myRooms(caller: Caller, minSeq?: number): Promise<Snapshot<{ items: MyRoom[] }>> {
    return this.reader.read({ minSeq, callerId: caller.userId }, async (q) => {
      const [rooms, threads] = await Promise.all([this.rooms.listForMember(q, caller.userId), this.unread.threadsOf(q, caller.userId)]);
      const peers = await this.rooms.peers(q, rooms.filter((r) => r.kind === 'dm').map((r) => r.id), caller.userId);
      // Filled in place: a list of 500 rooms is copied once, not once per field added.
      const items: MyRoom[] = rooms;
      for (const r of items) {
        const inThreads = threads.get(r.id);
        if (inThreads) r.unread.threads = inThreads;
        if (r.kind === 'dm') r.peers = peers.get(r.id) ?? [];
      }
      return { items };
    });
  }

  searchPublic(caller: Caller, search: string | undefined, limit: number, minSeq?: number): Promise<Snapshot<{ items: Room[] }>> {
    return this.reader.read({ minSeq, callerId: caller.userId }, async (q) => ({ items: await this.rooms.listPublic(q, search, limit) }));
  }

  details(caller: Caller, roomId: string, minSeq?: number): Promise<Snapshot<{ room: Room }>> {
    return this.reader.read({ minSeq, callerId: caller.userId, roomId }, async (q) => {
      const room = await this.visibleRoom(q, caller, roomId);
      if (!room) throw new NatterError('room_not_found');
      return { room: rowToRoom(room) };
    });
  }

  memberList(caller: Caller, roomId: string, minSeq?: number): Promise<Snapshot<{ items: Member[] }>> {
    return this.reader.read({ minSeq, callerId: caller.userId, roomId }, async (q) => {
      if (!(await this.visibleRoom(q, caller, roomId))) throw new NatterError('room_not_found');
      return { items: await this.members.list(q, roomId) };
    });
  }

  invites(caller: Caller, roomId: string, minSeq?: number): Promise<Snapshot<{ items: Invite[] }>> {
    return this.reader.read({ minSeq, callerId: caller.userId, roomId }, async (q) => {
      await this.mustHaveRole(q, caller, roomId, 'admin');
      return { items: await this.moderation.invites(q, roomId) };
    });
  }

  bans(caller: Caller, roomId: string, minSeq?: number): Promise<Snapshot<{ items: Ban[] }>> {
    return this.reader.read({ minSeq, callerId: caller.userId, roomId }, async (q) => {
      await this.mustHaveRole(q, caller, roomId, 'moderator');
      return { items: await this.moderation.bans(q, roomId) };
    });
  }

  /** The room if the caller may see it: public, or private with the caller as a member. */
  private async visibleRoom(q: ReadScope, caller: Caller, roomId: string): Promise<RoomColumns | undefined> {
    const room = await this.rooms.findById(q, roomId);
    if (!room) return undefined;
    if (room.visibility === 'public') return room;
    return (await this.members.roleOf(q, roomId, caller.userId)) ? room : undefined;
  }

  private async mustHaveRole(q: ReadScope, caller: Caller, roomId: string, min: Role): Promise<void> {
    const role = await memberRole(q, { members: this.members, rooms: this.rooms }, roomId, caller.userId);
    if (!roleAtLeast(role, min)) throw new NatterError('forbidden', `Only ${min === 'admin' ? 'the owner and admins' : 'moderators and up'} may see this.`);
  }
}
