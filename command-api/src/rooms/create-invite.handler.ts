import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { newId, Subjects, type CreateInviteResult } from '@natter/contracts';
import { AggregateRepository } from '../shared/aggregates';
import { CreateInviteCommand } from './create-invite.command';
import { InviteCodes } from './invite-codes';
import { RoomAggregate } from './room.aggregate';
import { decideCreateInvite } from './room.invites';

/**
 * An invite link (owner/admin). The rules are checked first, then the code's hash is stored, then
 * InviteCreated makes it usable; the code is in this answer only. A code stored for an append that then
 * failed points at an invite that never existed, so it is refused like any unknown one.
 */
@CommandHandler(CreateInviteCommand)
export class CreateInviteHandler implements ICommandHandler<CreateInviteCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(InviteCodes) private readonly codes: InviteCodes,
  ) {}

  async execute({ caller, roomId, expiresInHours, maxUses }: CreateInviteCommand): Promise<CreateInviteResult> {
    const inviteId = newId();
    const expiresAt = new Date(Date.now() + expiresInHours * 3600_000).toISOString();
    const subject = Subjects.roomMeta(roomId);
    const intent = { inviteId, expiresAt, maxUses };
    // Refuse before a code is stored for someone who may not create one.
    decideCreateInvite((await this.aggregates.load(RoomAggregate, subject)).state, caller.userId, intent);
    const code = await this.codes.issue(roomId, inviteId);
    return this.aggregates.execute(RoomAggregate, subject, caller.userId, ({ state }) => ({
      events: decideCreateInvite(state, caller.userId, intent),
      reply: (after) => ({
        roomId,
        seq: after.version,
        code,
        invite: { id: inviteId, roomId, createdBy: caller.userId, createdAt: new Date().toISOString(), expiresAt, maxUses, uses: 0, revoked: false },
      }),
    }));
  }
}
