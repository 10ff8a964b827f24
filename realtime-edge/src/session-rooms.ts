import { CloseCode, membershipChange, NatterError, type ErrorCode, type ResetReason, type ServerFrame, type StoredEvent } from '@natter/contracts';
import type { Logger } from 'pino';
import type { EdgeConfig } from './config';
import type { Fanout } from './fanout';
import type { MembershipSource } from './ports';
import { positionsProblem, runLimited, startingPositions } from './resume';
import { RoomCursor, type CursorContext, type CursorOwner } from './room-cursor';
import { UserCursor } from './user-cursor';

/** What the rooms of a socket need from the socket's session. */
export interface RoomsOwner extends CursorOwner {
  readonly log: Logger;
  send(frame: ServerFrame): void;
  sendText(text: string): void;
  sendError(id: string | undefined, code: ErrorCode, message?: string): void;
  reset(reason: ResetReason, epoch: string): void;
}

export interface RoomsDeps {
  config: EdgeConfig;
  fanout: Fanout;
  membership: MembershipSource;
  cursors: CursorContext;
}

/**
 * The rooms one socket delivers, from its `resume` on: the resume itself (positions checked, membership
 * snapshot, one RoomCursor per room, `synced`), rooms joined live, and the refresh after a NATS reconnect.
 *
 * The snapshot race: membership events naming the user that arrive while the snapshot is in flight are kept
 * (`pendingMeta`) and a start after the snapshot's asOfSeq opens its room from that event (resume.ts);
 * afterwards a start event newer than asOfSeq opens a cursor at once. Stops are applied in band by the
 * cursors. Made at the socket's first `resume` (idle sockets that never resume carry none of this).
 */
export class SessionRooms {
  private state: 'new' | 'resuming' | 'resumed' = 'new';
  /** roomId -> cursor (an empty Map costs a connection about 100 bytes: most idle sockets never need one). */
  private cursors: Map<string, RoomCursor> | null = null;
  private pendingMeta: StoredEvent[] | null = null;
  private asOfSeq = 0;
  /** The user's own events (user-cursor.ts), when the resume opted in with `user`. */
  private userCursor: UserCursor | null = null;

  constructor(
    private readonly owner: RoomsOwner,
    private readonly deps: RoomsDeps,
  ) {}

  /** The cursor of a room this socket delivers right now as a member (typing is allowed there). */
  memberCursor(roomId: string): RoomCursor | undefined {
    const c = this.cursors?.get(roomId);
    return c && !c.ended && c.isMember ? c : undefined;
  }

  /** `user`: the resume's opt-in to the user's own events (its last seq of `ev.user.<me>`, or 'now'). */
  async resume(listed: Record<string, number>, epoch: string | undefined, user?: number | 'now'): Promise<void> {
    const { owner, deps } = this;
    if (this.state !== 'new') return owner.sendError(undefined, 'validation_failed', 'resume was already sent on this connection');
    this.state = 'resuming';
    let problem: ResetReason | null;
    try {
      // The user position is a position of the same stream: checked with the rooms'.
      problem = await positionsProblem(listed, epoch, deps.fanout, typeof user === 'number' ? user : undefined);
    } catch (err) {
      this.state = 'new';
      owner.log.warn({ err }, 'stream info for resume failed');
      return owner.sendError(undefined, 'unavailable', 'could not check your positions; send resume again');
    }
    if (!owner.isOpen()) return;
    if (problem) return owner.reset(problem, deps.fanout.epoch);
    // Live meta is subscribed node-wide; membership events for this user are kept from here on.
    this.pendingMeta = [];
    let snap;
    try {
      snap = await deps.membership.userRooms(owner.userId, deps.fanout.metaHighWater);
    } catch (err) {
      this.state = 'new';
      this.pendingMeta = null;
      const code: ErrorCode = err instanceof NatterError ? err.code : 'unavailable';
      owner.log.warn({ err }, 'membership snapshot failed');
      return owner.sendError(undefined, code, 'could not load your rooms; send resume again');
    }
    if (!owner.isOpen()) return;
    this.asOfSeq = snap.asOfSeq;
    const starts = startingPositions(owner.userId, listed, snap, this.pendingMeta);
    this.pendingMeta = null;
    this.state = 'resumed';
    const created = [...starts].map(([roomId, s]) => this.addCursor(roomId, s.pos, s.memberAt));
    const { metrics, maxEvents, bufferMax } = deps.cursors;
    const uc = user === undefined ? null : (this.userCursor = new UserCursor(user, owner, { feed: deps.fanout, metrics, maxEvents, bufferMax }));
    await Promise.all([
      uc?.start(),
      runLimited(
        created.map((c) => () => c.start()),
        deps.config.resumeParallelRooms,
      ),
    ]);
    if (!owner.isOpen()) return;
    const rooms: Record<string, number> = {};
    for (const c of this.cursors?.values() ?? []) if (!c.ended && c.isMember) rooms[c.roomId] = c.pos;
    owner.send({ type: 'synced', epoch: deps.fanout.epoch, rooms, ...(uc && !uc.ended ? { user: uc.pos } : {}) });
  }

  /** An event that starts the user's delivery of a room (the fan-out asked `membershipChange`). */
  onMembership(ev: StoredEvent): void {
    if (this.state === 'resuming') {
      this.pendingMeta?.push(ev);
      return;
    }
    if (this.state !== 'resumed' || !this.owner.isOpen()) return;
    const change = membershipChange(ev);
    if (change?.change === 'start' && ev.seq > this.asOfSeq && !this.cursors?.has(change.roomId)) {
      void this.addCursor(change.roomId, ev.seq - 1, ev.seq).start();
    }
  }

  /** After a NATS reconnect: rooms joined while disconnected start from their join. */
  resyncMembership(): void {
    const { owner, deps } = this;
    if (this.state !== 'resumed' || !owner.isOpen()) return;
    deps.membership.userRooms(owner.userId, deps.fanout.metaHighWater).then(
      (snap) => {
        if (!owner.isOpen()) return;
        this.asOfSeq = Math.max(this.asOfSeq, snap.asOfSeq);
        for (const r of snap.rooms) {
          if (!this.cursors?.has(r.roomId)) void this.addCursor(r.roomId, r.joinedSeq - 1, Math.max(snap.asOfSeq, r.joinedSeq)).start();
        }
      },
      (err) => {
        owner.log.warn({ err }, 'membership refresh after reconnect failed: asking the client to resume');
        owner.closeWith(CloseCode.ServerError, 'membership refresh failed; resume');
      },
    );
  }

  cursorEnded(cursor: RoomCursor): void {
    if (this.cursors?.get(cursor.roomId) === cursor) this.cursors.delete(cursor.roomId);
  }

  /** The socket closed: every cursor ends (and leaves its feed). */
  close(): void {
    for (const c of [...(this.cursors?.values() ?? [])]) c.end();
    this.cursors = null;
    this.userCursor?.end();
    this.userCursor = null;
  }

  private addCursor(roomId: string, pos: number, memberAt: number): RoomCursor {
    const c = new RoomCursor(roomId, pos, memberAt, this.owner, this.deps.cursors);
    (this.cursors ??= new Map()).set(roomId, c);
    return c;
  }
}
