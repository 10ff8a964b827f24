import { NatterError, type HistoryPage, type HistoryQuery, type MessageHistoryResponse, type MessageResponse, type PinsResponse, type RoomSettings, type ThreadPage } from '@natter/contracts';
import type { Caller } from '../http/auth';
import { MembersRepository } from '../members/members.repository';
import type { ReadModelReader, Snapshot } from '../read-model/reader';
import type { ReadScope } from '../read-model/scope';
import { memberRole } from '../rooms/member-access';
import { RoomsRepository } from '../rooms/rooms.repository';
import { MessagesRepository, type HistoryCursor } from './messages.repository';
import { RoomSettingsRepository } from './room-settings.repository';

const cursorOf = (query: HistoryQuery): HistoryCursor =>
  query.before !== undefined ? { before: query.before } : query.after !== undefined ? { after: query.after } : { newest: true };

/**
 * A room's messages, members only (public rooms included: join to read). A non-member of a public room gets
 * 403 not_member; of a private room, 404 room_not_found, exactly like a room that does not exist. Paging is by
 * stream sequence, so a client walking `before` back from the newest page, or `after` forward from any seq,
 * sees every message exactly once however many are appended meanwhile: new messages only ever get higher
 * sequences. A message is named by its seq; one of another room is not found. Every read waits for the room's
 * latest membership event (the reader's membership fence), so an answered removal is never read around.
 */
export class HistoryService {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly messages = new MessagesRepository(),
    private readonly members = new MembersRepository(),
    private readonly rooms = new RoomsRepository(),
    private readonly settings = new RoomSettingsRepository(),
  ) {}

  /** The room's timeline (top-level messages and replies also sent to the room). */
  async page(caller: Caller, roomId: string, query: HistoryQuery): Promise<HistoryPage> {
    const snap = await this.asMember(caller, roomId, query.minSeq, (q) => this.messages.page(q, roomId, { timeline: true }, cursorOf(query), query.limit));
    return { ...snap.value, asOfSeq: snap.asOfSeq };
  }

  async message(caller: Caller, roomId: string, seq: number, minSeq?: number): Promise<MessageResponse> {
    const snap = await this.asMember(caller, roomId, minSeq, async (q) => (await this.messages.one(q, roomId, seq)) ?? notFound());
    return { message: snap.value, asOfSeq: snap.asOfSeq };
  }

  async versions(caller: Caller, roomId: string, seq: number, minSeq?: number): Promise<MessageHistoryResponse> {
    const snap = await this.asMember(caller, roomId, minSeq, async (q) => (await this.messages.versions(q, roomId, seq)) ?? notFound());
    return { messageSeq: seq, versions: snap.value, asOfSeq: snap.asOfSeq };
  }

  /** A thread: the root (a message of the room that is not itself a reply) and a page of its replies. */
  async thread(caller: Caller, roomId: string, rootSeq: number, query: HistoryQuery): Promise<ThreadPage> {
    const snap = await this.asMember(caller, roomId, query.minSeq, async (q) => {
      const root = await this.messages.one(q, roomId, rootSeq);
      if (!root) return notFound();
      if (root.threadRootSeq !== null) throw new NatterError('message_not_found', 'That message is a reply; its thread is the one of message ' + root.threadRootSeq + '.');
      return { root, ...(await this.messages.page(q, roomId, { threadRootSeq: rootSeq }, cursorOf(query), query.limit)) };
    });
    return { root: snap.value.root, replies: snap.value.messages, hasMore: snap.value.hasMore, asOfSeq: snap.asOfSeq };
  }

  async pins(caller: Caller, roomId: string, minSeq?: number): Promise<PinsResponse> {
    const snap = await this.asMember(caller, roomId, minSeq, (q) => this.messages.pinned(q, roomId));
    return { items: snap.value, asOfSeq: snap.asOfSeq };
  }

  async roomSettings(caller: Caller, roomId: string, minSeq?: number): Promise<{ settings: RoomSettings; asOfSeq: number }> {
    const snap = await this.asMember(caller, roomId, minSeq, (q) => this.settings.of(q, roomId));
    return { settings: snap.value, asOfSeq: snap.asOfSeq };
  }

  /** Every read of a room's messages: members only, behind the membership fence (`roomId`). */
  private asMember<T>(caller: Caller, roomId: string, minSeq: number | undefined, read: (q: ReadScope) => Promise<T>): Promise<Snapshot<T>> {
    return this.reader.read({ minSeq, callerId: caller.userId, roomId }, async (q) => {
      await memberRole(q, { members: this.members, rooms: this.rooms }, roomId, caller.userId);
      return read(q);
    });
  }
}

function notFound(): never {
  throw new NatterError('message_not_found');
}
