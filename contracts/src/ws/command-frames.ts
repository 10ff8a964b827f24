import type { CommandName } from '../commands/catalog';

/**
 * Client frames that are commands, and the command each one is: the frame is exactly the command's input
 * (contracts' `Commands[name].input`) plus `type` and `id`, and the edge forwards it to command-api
 * (`natter.cmd.<Name>`) without knowing what it does; the ack's `result` is the command's result. A new
 * command over the socket is one line here and one name in ClientFrameTypes.
 */
export const CommandFrames = {
  send: 'SendMessage',
  join: 'JoinRoom',
  leave: 'LeaveRoom',
  edit: 'EditMessage',
  delete: 'DeleteMessage',
  react: 'AddReaction',
  unreact: 'RemoveReaction',
  pin: 'PinMessage',
  unpin: 'UnpinMessage',
} as const satisfies Record<string, CommandName>;

export type CommandFrameType = keyof typeof CommandFrames;

export const isCommandFrameType = (t: string): t is CommandFrameType => Object.prototype.hasOwnProperty.call(CommandFrames, t);
