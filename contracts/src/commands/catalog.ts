import type { z } from 'zod';
import { AccountCommands } from './account.commands';
import { AdminCommands } from './admin.commands';
import { DmCommands } from './dm.commands';
import { MessageCommands } from './message.commands';
import { ReadStateCommands } from './read-state.commands';
import { NotificationCommands } from './notification.commands';
import { RoomCommands } from './room.commands';

export { LogoutResult, UpdateProfileResult } from './account.commands';

/**
 * Every command, merged from one file per context, in the order of the API document. Adding a command is one
 * entry here (plus its command class, handler and factory in command-api); a spec checks that no two
 * files define the same name.
 */
export const Commands = { ...AccountCommands, ...RoomCommands, ...MessageCommands, ...DmCommands, ...ReadStateCommands, ...AdminCommands, ...NotificationCommands } as const;

export type CommandName = keyof typeof Commands;
export type CommandInput<N extends CommandName> = z.output<(typeof Commands)[N]['input']>;
export type CommandResult<N extends CommandName> = z.output<(typeof Commands)[N]['result']>;

/** The commands the edge may forward over NATS (`nats: true`). */
export type NatsCommandName = { [N in CommandName]: (typeof Commands)[N]['nats'] extends true ? N : never }[CommandName];
export const natsCommandNames = (Object.keys(Commands) as CommandName[]).filter((n) => Commands[n].nats) as NatsCommandName[];
