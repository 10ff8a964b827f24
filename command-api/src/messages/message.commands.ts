import type { CommandFactories } from '../shared/command-factories';
import { SendMessageCommand } from './send-message.command';

/** The messages commands of contracts' `Commands`, built from their validated input. */
export const messageCommands: CommandFactories<'SendMessage'> = {
  SendMessage: ({ roomId, clientMsgId, text }, { caller }) => new SendMessageCommand(caller, roomId, clientMsgId, text),
};
