import { NatterError, type Member, type MyRoom, type Room } from '@natter/contracts';
import type { Caller } from '../http/auth';
import { MembersRepository } from '../members/members.repository';
import type { ReadModelReader, Snapshot } from '../read-model/reader';
import type { ReadScope } from '../read-model/scope';
import { RoomsRepository, rowToRoom, type RoomColumns } from './rooms.repository';

/**
 * Room reads and who may see them:
 * - public rooms: any signed-in user sees details and members;
 * - private rooms: members only; to anyone else a private room's details and members are 404
 *   room_not_found (private rooms are not discoverable);
 * - a room that does not exist looks exactly like a private room you are not in, so ids leak nothing.
 */
export class RoomsService {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly rooms = new RoomsRepository(),
    private readonly members = new MembersRepository(),
  ) {}

  myRooms(caller: Caller, minSeq?: number): Promise<Snapshot<{ items: MyRoom[] }>> {
    return this.reader.read({ minSeq, callerId: caller.userId }, async (q) => ({ items: await this.rooms.listForMember(q, caller.userId) }));
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

  /** The room if the caller may see it: public, or private with the caller as a member. */
  private async visibleRoom(q: ReadScope, caller: Caller, roomId: string): Promise<RoomColumns | undefined> {
    const room = await this.rooms.findById(q, roomId);
    if (!room) return undefined;
    if (room.visibility === 'public') return room;
    return (await this.members.roleOf(q, roomId, caller.userId)) ? room : undefined;
  }
}
