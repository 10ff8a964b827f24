import type { CommandFactories } from '../shared/command-factories';
import { AddMemberCommand } from './add-member.command';
import { CreateRoomCommand } from './create-room.command';
import { JoinRoomCommand } from './join-room.command';
import { LeaveRoomCommand } from './leave-room.command';
import { RemoveMemberCommand } from './remove-member.command';

/** The rooms commands of contracts' `Commands`, built from their validated input. */
export const roomCommands: CommandFactories<'CreateRoom' | 'JoinRoom' | 'LeaveRoom' | 'AddMember' | 'RemoveMember'> = {
  CreateRoom: (input, { caller }) => new CreateRoomCommand(caller, input),
  JoinRoom: ({ roomId }, { caller }) => new JoinRoomCommand(caller, roomId),
  LeaveRoom: ({ roomId }, { caller }) => new LeaveRoomCommand(caller, roomId),
  AddMember: ({ roomId, userId }, { caller }) => new AddMemberCommand(caller, roomId, userId),
  RemoveMember: ({ roomId, userId }, { caller }) => new RemoveMemberCommand(caller, roomId, userId),
};
