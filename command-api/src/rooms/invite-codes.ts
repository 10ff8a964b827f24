import { createHash, randomBytes } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { NatterError, Subjects } from '@natter/contracts';
import type { Kysely } from 'kysely';
import { AggregateRepository } from '../shared/aggregates';
import { KYSELY } from '../shared/tokens';
import { RoomAggregate } from './room.aggregate';
import { assertInviteUsable } from './room.invites';

/** infra/migrations/command/004_invite_codes.sql */
export interface InviteCodesDB {
  'auth.invite_codes': { code_hash: string; room_id: string; invite_id: string };
}

const hashOf = (code: string) => createHash('sha256').update(code).digest('hex');

/**
 * Invite link codes: 32 random bytes (base64url), shown once to their creator; only their SHA-256 is stored,
 * command-side (never in the event log). A presented code maps to its room and invite; whether the invite
 * still lets someone in is the room aggregate's decision (room.invites.ts).
 */
export class InviteCodes {
  constructor(
    @Inject(KYSELY) private readonly db: Kysely<InviteCodesDB>,
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
  ) {}

  /** A new code for `inviteId`, stored (as its hash) before the InviteCreated that makes it usable. */
  async issue(roomId: string, inviteId: string): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    await this.db.insertInto('auth.invite_codes').values({ code_hash: hashOf(code), room_id: roomId, invite_id: inviteId }).execute();
    return code;
  }

  /** The room and invite of a code; invite_invalid when the code is unknown. */
  async lookup(code: string): Promise<{ roomId: string; inviteId: string }> {
    const row = await this.db.selectFrom('auth.invite_codes').select(['room_id', 'invite_id']).where('code_hash', '=', hashOf(code)).executeTakeFirst();
    if (!row) throw new NatterError('invite_invalid');
    return { roomId: row.room_id, inviteId: row.invite_id };
  }

  /** The code's invite, if it would let someone in right now (registration on a closed server checks this first). */
  async usable(code: string): Promise<{ roomId: string; inviteId: string }> {
    const found = await this.lookup(code);
    const { state } = await this.aggregates.load(RoomAggregate, Subjects.roomMeta(found.roomId));
    assertInviteUsable(state, found.inviteId, new Date());
    return found;
  }
}
