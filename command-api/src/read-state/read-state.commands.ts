import type { CommandFactories } from '../shared/command-factories';
import { MarkReadCommand } from './mark-read.command';

/** The read-state commands of contracts' `Commands` (issue 12). */
export const readStateCommands: CommandFactories<'MarkRead'> = {
  MarkRead: ({ markers }, { caller }) => new MarkReadCommand(caller, markers),
};
