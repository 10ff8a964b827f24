import type { CommandFactories } from '../shared/command-factories';
import { SendDirectMessageCommand } from './send-direct-message.command';

/** The direct-message commands of contracts' `Commands`. */
export const dmCommands: CommandFactories<'SendDirectMessage'> = {
  SendDirectMessage: ({ userIds, clientMsgId, text }, { caller }) => new SendDirectMessageCommand(caller, userIds, clientMsgId, text),
};
