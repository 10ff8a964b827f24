import { NatterError, type HistoryPage, type HistoryQuery } from '@natter/contracts';
import type { Caller } from '../http/auth';
import { MembersRepository } from '../members/members.repository';
import type { ReadModelReader } from '../read-model/reader';
import type { ReadScope } from '../read-model/scope';
import { RoomsRepository } from '../rooms/rooms.repository';
import { MessagesRepository, type HistoryCursor } from './messages.repository';

/**
 * Room history, members only (public rooms included: join to read). A non-member of a public room gets 403
 * not_member; of a private room, 404 room_not_found, exactly like a room that does not exist. Paging is by stream sequence, so a
 * client walking `before` back from the newest page, or `after` forward from any seq, sees every message
 * exactly once however many are appended meanwhile: new messages only ever get higher sequences.
 */
export class HistoryService {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly messages = new MessagesRepository(),
    private readonly members = new MembersRepository(),
    private readonly rooms = new RoomsRepository(),
  ) {}

  async page(caller: Caller, roomId: string, query: HistoryQuery): Promise<HistoryPage> {
    const cursor: HistoryCursor =
      query.before !== undefined ? { before: query.before } : query.after !== undefined ? { after: query.after } : { newest: true };
    const snap = await this.reader.read({ minSeq: query.minSeq, callerId: caller.userId, roomId }, async (q) => {
      if (!(await this.members.roleOf(q, roomId, caller.userId))) throw await this.notMemberError(q, roomId);
      return this.messages.page(q, roomId, cursor, query.limit);
    });
    return { ...snap.value, asOfSeq: snap.asOfSeq };
  }

  /** Only looked up when the caller is not a member (the common case costs one primary-key lookup). */
  private async notMemberError(q: ReadScope, roomId: string): Promise<NatterError> {
    const room = await this.rooms.findById(q, roomId);
    return room?.visibility === 'public' ? new NatterError('not_member') : new NatterError('room_not_found');
  }
}
