import { Module } from '@nestjs/common';
import { AddMemberHandler } from './add-member.handler';
import { ArchiveRoomHandler } from './archive-room.handler';
import { BanMemberHandler } from './ban-member.handler';
import { ChangeMemberRoleHandler } from './change-member-role.handler';
import { CreateInviteHandler } from './create-invite.handler';
import { CreateRoomHandler } from './create-room.handler';
import { DeleteRoomHandler } from './delete-room.handler';
import { InviteCodes } from './invite-codes';
import { JoinRoomHandler } from './join-room.handler';
import { LeaveRoomHandler } from './leave-room.handler';
import { RedeemInviteHandler } from './redeem-invite.handler';
import { RemoveMemberHandler } from './remove-member.handler';
import { RevokeInviteHandler } from './revoke-invite.handler';
import { TransferOwnershipHandler } from './transfer-ownership.handler';
import { UnarchiveRoomHandler } from './unarchive-room.handler';
import { UnbanMemberHandler } from './unban-member.handler';
import { UpdateRoomHandler } from './update-room.handler';

export const RoomHandlers = [
  CreateRoomHandler, JoinRoomHandler, LeaveRoomHandler, AddMemberHandler, RemoveMemberHandler,
  // ---- settings, roles, moderation, invites (issue 11)
  UpdateRoomHandler, ArchiveRoomHandler, UnarchiveRoomHandler, DeleteRoomHandler, ChangeMemberRoleHandler, TransferOwnershipHandler,
  BanMemberHandler, UnbanMemberHandler, CreateInviteHandler, RevokeInviteHandler, RedeemInviteHandler,
];

/** InviteCodes is exported: registration on a closed server checks an invite code with it. */
@Module({ providers: [...RoomHandlers, InviteCodes], exports: [InviteCodes] })
export class RoomsModule {}
