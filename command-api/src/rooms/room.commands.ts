import type { CommandFactories } from '../shared/command-factories';
import { AddMemberCommand } from './add-member.command';
import { ArchiveRoomCommand } from './archive-room.command';
import { BanMemberCommand } from './ban-member.command';
import { ChangeMemberRoleCommand } from './change-member-role.command';
import { CreateInviteCommand } from './create-invite.command';
import { CreateRoomCommand } from './create-room.command';
import { DeleteRoomCommand } from './delete-room.command';
import { JoinRoomCommand } from './join-room.command';
import { LeaveRoomCommand } from './leave-room.command';
import { RedeemInviteCommand } from './redeem-invite.command';
import { RemoveMemberCommand } from './remove-member.command';
import { RevokeInviteCommand } from './revoke-invite.command';
import { TransferOwnershipCommand } from './transfer-ownership.command';
import { UnarchiveRoomCommand } from './unarchive-room.command';
import { UnbanMemberCommand } from './unban-member.command';
import { UpdateRoomCommand } from './update-room.command';

type RoomCommandName =
  | 'CreateRoom' | 'JoinRoom' | 'LeaveRoom' | 'AddMember' | 'RemoveMember'
  | 'UpdateRoom' | 'ArchiveRoom' | 'UnarchiveRoom' | 'DeleteRoom' | 'ChangeMemberRole' | 'TransferOwnership'
  | 'BanMember' | 'UnbanMember' | 'CreateInvite' | 'RevokeInvite' | 'RedeemInvite';

/** The rooms commands of contracts' `Commands`, built from their validated input. */
export const roomCommands: CommandFactories<RoomCommandName> = {
  CreateRoom: (input, { caller }) => new CreateRoomCommand(caller, input),
  JoinRoom: ({ roomId }, { caller }) => new JoinRoomCommand(caller, roomId),
  LeaveRoom: ({ roomId }, { caller }) => new LeaveRoomCommand(caller, roomId),
  AddMember: ({ roomId, userId }, { caller }) => new AddMemberCommand(caller, roomId, userId),
  RemoveMember: ({ roomId, userId }, { caller }) => new RemoveMemberCommand(caller, roomId, userId),
  UpdateRoom: ({ roomId, name, topic }, { caller }) => new UpdateRoomCommand(caller, roomId, { name, topic }),
  ArchiveRoom: ({ roomId }, { caller }) => new ArchiveRoomCommand(caller, roomId),
  UnarchiveRoom: ({ roomId }, { caller }) => new UnarchiveRoomCommand(caller, roomId),
  DeleteRoom: ({ roomId }, { caller }) => new DeleteRoomCommand(caller, roomId),
  ChangeMemberRole: ({ roomId, userId, role }, { caller }) => new ChangeMemberRoleCommand(caller, roomId, userId, role),
  TransferOwnership: ({ roomId, userId }, { caller }) => new TransferOwnershipCommand(caller, roomId, userId),
  BanMember: ({ roomId, userId, reason }, { caller }) => new BanMemberCommand(caller, roomId, userId, reason),
  UnbanMember: ({ roomId, userId }, { caller }) => new UnbanMemberCommand(caller, roomId, userId),
  CreateInvite: ({ roomId, expiresInHours, maxUses }, { caller }) => new CreateInviteCommand(caller, roomId, expiresInHours, maxUses),
  RevokeInvite: ({ roomId, inviteId }, { caller }) => new RevokeInviteCommand(caller, roomId, inviteId),
  RedeemInvite: ({ code }, { caller }) => new RedeemInviteCommand(caller, code),
};
